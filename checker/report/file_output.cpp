#include "checker/report/file_output.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checker/report/text_safety.hpp"

namespace preempt {

namespace {

// Writes all of `data` to `fd`; false (errno set) on any failure.
bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool write_in_place(const std::string& path, const std::string& data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = write_all(fd, data);
  const int saved = errno;
  const bool closed = ::close(fd) == 0;
  errno = ok ? errno : saved;
  return ok && closed;
}

bool write_by_rename(const std::string& path, const std::string& data) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder = target.parent_path().empty() ? "." : target.parent_path();
  std::string name = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
  std::vector<char> temp(name.begin(), name.end());
  temp.push_back('\0');
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return false;
  bool ok = ::fchmod(fd, 0644) == 0 && write_all(fd, data) && ::fsync(fd) == 0;
  int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(temp.data(), path.c_str()) == 0) return true;
  saved = ok ? errno : saved;
  ::unlink(temp.data());
  errno = saved;
  return false;
}

}  // namespace

bool write_report_file(const std::string& path, const std::function<void(std::ostream&)>& write,
                       const std::string& what, std::string* error) {
  std::ostringstream content;
  write(content);
  struct stat st {};
  const bool special = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  errno = 0;
  const bool ok = special ? write_in_place(path, content.str()) : write_by_rename(path, content.str());
  if (!ok) {
    *error = one_line(path) + ": error: cannot write the " + what + (errno != 0 ? std::string(": ") + std::strerror(errno) : "");
  }
  return ok;
}

}  // namespace preempt
