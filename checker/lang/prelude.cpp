// The prelude: the kernel's VFS, debugfs and sysfs entry points, written in the scenario language
// (prelude.hpp). Each group is its structs and globals, then one chunk per function; the comments
// name the kernel functions each one follows (fs/open.c, fs/file_table.c, fs/debugfs/file.c,
// fs/kernfs/dir.c, fs/kernfs/file.c, drivers/base/core.c, fs/proc/inode.c, fs/proc/generic.c). Errno values are written as numbers:
// the scenario's own #define of an errno must not clash with the prelude's.
#include "checker/lang/prelude.hpp"

#include <array>
#include <set>
#include <string>

#include "checker/lang/lexer.hpp"

namespace preempt::lang {

namespace {

struct Chunk {
  std::string_view function;  // the function it defines; empty: declarations always kept
  std::string_view text;
};

struct Group {
  std::string_view structs[2];  // the structs it declares (a scenario's own definition shadows it)
  int needs = -1;               // the group it uses, or -1
  std::vector<Chunk> chunks;
};

const std::array<Group, 4>& groups() {
  static const std::array<Group, 4> kGroups = {{
      // 0: file operations, entered through the VFS
      {{"file_operations", ""}, -1, {
           {"", R"(
struct file_operations {                    // include/linux/fs.h
    struct module *owner;
    int (*open)(void *private_data);        // (struct inode *, struct file *)
    int (*release)(void *private_data);     // (struct inode *, struct file *)
    int (*read)(void *private_data);        // (struct file *, char __user *, size_t, loff_t *)
    int (*write)(void *private_data, int value);
};
)"},
           {"vfs_open", R"(
int vfs_open(struct file_operations *fops) {    // do_dentry_open(): fops_get(), then ->open
    if (!try_module_get(fops->owner)) {
        return -19;                             // -ENODEV: the module is going away
    }
    int (*open)(void *private_data) = fops->open;
    if (open != NULL) {
        int error = open(NULL);
        if (error != 0) {
            module_put(fops->owner);            // fops_put()
            return error;
        }
    }
    return 0;
}
)"},
           {"vfs_read", R"(
int vfs_read(struct file_operations *fops) {    // vfs_read(): no ->read, -EINVAL
    int (*read)(void *private_data) = fops->read;
    if (read == NULL) {
        return -22;
    }
    return read(NULL);
}
)"},
           {"vfs_write", R"(
int vfs_write(struct file_operations *fops, int value) {
    int (*write)(void *private_data, int value) = fops->write;
    if (write == NULL) {
        return -22;
    }
    return write(NULL, value);
}
)"},
           {"vfs_release", R"(
void vfs_release(struct file_operations *fops) {    // __fput(): ->release, then fops_put()
    int (*release)(void *private_data) = fops->release;
    if (release != NULL) {
        release(NULL);
    }
    module_put(fops->owner);
}
)"}}},
      // 1: debugfs files, with the active references of the full proxy
      {{"dentry", ""}, 0, {
           {"", R"(
struct dentry {                             // a debugfs file: dentry, inode and debugfs_fsdata
    struct file_operations *real_fops;      // the fops debugfs_create_file() was given
    void *data;                             // inode->i_private
    refcount_t active_users;                // 1 while the file exists, + 1 per call in progress
    struct completion active_users_drained;
};
struct dentry debugfs_files[16];
int debugfs_file_count;
)"},
           {"debugfs_create_file", R"(
struct dentry *debugfs_create_file(void *name, int mode, void *parent, void *data,
                                   struct file_operations *fops) {
    int i = atomic_inc_return(&debugfs_file_count) - 1;
    struct dentry *dentry = &debugfs_files[i];
    dentry->real_fops = fops;
    dentry->data = data;
    refcount_set(&dentry->active_users, 1);
    return dentry;
}
)"},
           {"debugfs_file_get", R"(
int debugfs_file_get(struct dentry *dentry) {
    if (!refcount_inc_not_zero(&dentry->active_users)) {
        return -5;                              // -EIO: the file was removed
    }
    return 0;
}
)"},
           {"debugfs_file_put", R"(
void debugfs_file_put(struct dentry *dentry) {
    if (refcount_dec_and_test(&dentry->active_users)) {
        complete(&dentry->active_users_drained);
    }
}
)"},
           {"debugfs_remove", R"(
void debugfs_remove(struct dentry *dentry) {    // __debugfs_file_removed()
    if (dentry == NULL) {
        return;
    }
    if (refcount_dec_and_test(&dentry->active_users)) {
        complete(&dentry->active_users_drained);
    }
    wait_for_completion(&dentry->active_users_drained);
}
)"},
           {"debugfs_open", R"(
int debugfs_open(struct dentry *dentry) {       // full_proxy_open()
    if (debugfs_file_get(dentry) != 0) {
        return -2;                              // -ENOENT: the file was removed
    }
    struct file_operations *fops = dentry->real_fops;
    int error = 0;
    if (!try_module_get(fops->owner)) {
        error = -6;                             // -ENXIO: fops_get() failed
    } else {
        int (*open)(void *private_data) = fops->open;
        if (open != NULL) {
            error = open(dentry->data);
            if (error != 0) {
                module_put(fops->owner);
            }
        }
    }
    debugfs_file_put(dentry);
    return error;
}
)"},
           {"debugfs_read", R"(
int debugfs_read(struct dentry *dentry) {       // full_proxy_read()
    if (debugfs_file_get(dentry) != 0) {
        return -5;                              // -EIO: the file was removed
    }
    struct file_operations *fops = dentry->real_fops;
    int (*read)(void *private_data) = fops->read;
    int r = -22;
    if (read != NULL) {
        r = read(dentry->data);
    }
    debugfs_file_put(dentry);
    return r;
}
)"},
           {"debugfs_write", R"(
int debugfs_write(struct dentry *dentry, int value) {    // full_proxy_write()
    if (debugfs_file_get(dentry) != 0) {
        return -5;
    }
    struct file_operations *fops = dentry->real_fops;
    int (*write)(void *private_data, int value) = fops->write;
    int r = -22;
    if (write != NULL) {
        r = write(dentry->data, value);
    }
    debugfs_file_put(dentry);
    return r;
}
)"},
           {"debugfs_release", R"(
void debugfs_release(struct dentry *dentry) {   // full_proxy_release(): no active reference
    struct file_operations *fops = dentry->real_fops;
    int (*release)(void *private_data) = fops->release;
    if (release != NULL) {
        release(dentry->data);
    }
    module_put(fops->owner);                    // fops_put(real_fops)
}
)"}}},
      // 2: sysfs attributes, with their kernfs node's active references
      {{"device_attribute", ""}, -1, {
           {"", R"(
struct device_attribute {                   // include/linux/device.h, with its kernfs node
    int (*show)(void *dev);                 // (struct device *, struct device_attribute *, char *)
    int (*store)(void *dev, int value);     // (..., const char *buf, size_t count)
    int active;                             // kn->active: show and store calls in progress
    int state;                              // 0 not created, 1 active, 2 removed
    void *dev;
};
)"},
           {"device_create_file", R"(
int device_create_file(void *dev, struct device_attribute *attr) {
    attr->dev = dev;
    attr->state = 1;                            // kernfs_activate()
    return 0;
}
)"},
           {"kernfs_get_active", R"(
int kernfs_get_active(struct device_attribute *attr) {
    atomic_inc(&attr->active);
    if (attr->state != 1) {                     // deactivated: kernfs_drain() has begun
        atomic_dec(&attr->active);
        return 0;
    }
    return 1;
}
)"},
           {"kernfs_put_active", R"(
void kernfs_put_active(struct device_attribute *attr) {
    atomic_dec(&attr->active);
}
)"},
           {"sysfs_read", R"(
int sysfs_read(struct device_attribute *attr) {     // kernfs_fop_read_iter() -> dev_attr_show()
    if (!kernfs_get_active(attr)) {
        return -19;                             // -ENODEV: the attribute was removed
    }
    int (*show)(void *dev) = attr->show;
    int r = -5;                                 // -EIO: no ->show
    if (show != NULL) {
        r = show(attr->dev);
    }
    kernfs_put_active(attr);
    return r;
}
)"},
           {"sysfs_write", R"(
int sysfs_write(struct device_attribute *attr, int value) {  // kernfs_fop_write_iter() -> dev_attr_store()
    if (!kernfs_get_active(attr)) {
        return -19;
    }
    int (*store)(void *dev, int value) = attr->store;
    int r = -5;
    if (store != NULL) {
        r = store(attr->dev, value);
    }
    kernfs_put_active(attr);
    return r;
}
)"},
           {"device_remove_file", R"(
void device_remove_file(void *dev, struct device_attribute *attr) {   // __kernfs_remove()
    if (cmpxchg(&attr->state, 1, 2) != 1) {
        return;                                 // not created, or removed already
    }
    await(atomic_read(&attr->active) == 0);     // kernfs_drain(): every active user has left
}
)"},
           {"device_remove_file_self", R"(
int device_remove_file_self(void *dev, struct device_attribute *attr) {   // kernfs_remove_self()
    atomic_dec(&attr->active);                  // kernfs_break_active_protection()
    int removed = cmpxchg(&attr->state, 1, 2) == 1;
    if (removed) {
        await(atomic_read(&attr->active) == 0); // kernfs_drain() of the others
    }
    atomic_inc(&attr->active);                  // kernfs_unbreak_active_protection()
    return removed;
}
)"}}},
      // 3: /proc entries, with their users (pde_users) and openers (Linux 5.6 and later)
      {{"proc_ops", "proc_dir_entry"}, -1, {
           {"", R"(
struct proc_ops {                           // include/linux/proc_fs.h: no .owner
    int (*proc_open)(void *data);
    int (*proc_release)(void *data);
    int (*proc_read)(void *data);
    int (*proc_write)(void *data, int value);
};
struct proc_dir_entry {                     // fs/proc/internal.h
    struct proc_ops *proc_ops;
    void *data;
    int in_use;                             // callers inside the module (use_pde)
    int removed;                            // proc_entry_rundown() has begun (the BIAS)
    int openers;                            // pde_openers: open files with a ->proc_release
    int unclaimed;                          // those whose close nobody has begun (!pdeo->closing)
};
struct proc_dir_entry proc_entries[16];
int proc_entry_count;
)"},
           {"proc_create_data", R"(
struct proc_dir_entry *proc_create_data(void *name, int mode, void *parent, struct proc_ops *proc_ops,
                                        void *data) {
    int i = atomic_inc_return(&proc_entry_count) - 1;
    struct proc_dir_entry *pde = &proc_entries[i];
    pde->data = data;
    pde->proc_ops = proc_ops;
    return pde;
}
)"},
           {"proc_create", R"(
struct proc_dir_entry *proc_create(void *name, int mode, void *parent, struct proc_ops *proc_ops) {
    return proc_create_data(name, mode, parent, proc_ops, NULL);
}
)"},
           {"use_pde", R"(
int use_pde(struct proc_dir_entry *pde) {
    atomic_inc(&pde->in_use);
    if (pde->removed) {                         // atomic_inc_unless_negative() failed
        atomic_dec(&pde->in_use);
        return 0;
    }
    return 1;
}
)"},
           {"unuse_pde", R"(
void unuse_pde(struct proc_dir_entry *pde) {
    atomic_dec(&pde->in_use);
}
)"},
           {"proc_open", R"(
int proc_open(struct proc_dir_entry *pde) {     // proc_reg_open()
    if (!use_pde(pde)) {
        return -2;                              // -ENOENT: the entry was removed
    }
    struct proc_ops *ops = pde->proc_ops;
    int (*release)(void *data) = ops->proc_release;
    int (*open)(void *data) = ops->proc_open;
    int rv = 0;
    if (open != NULL) {
        rv = open(pde->data);
    }
    if (release != NULL && rv == 0) {           // a pde_opener: the rundown will release it
        atomic_inc(&pde->openers);
        atomic_inc(&pde->unclaimed);
    }
    unuse_pde(pde);
    return rv;
}
)"},
           {"proc_read", R"(
int proc_read(struct proc_dir_entry *pde) {     // proc_reg_read()
    int rv = -5;                                // -EIO: removed, or no ->proc_read
    if (use_pde(pde)) {
        struct proc_ops *ops = pde->proc_ops;
        int (*read)(void *data) = ops->proc_read;
        if (read != NULL) {
            rv = read(pde->data);
        }
        unuse_pde(pde);
    }
    return rv;
}
)"},
           {"proc_write", R"(
int proc_write(struct proc_dir_entry *pde, int value) {     // proc_reg_write()
    int rv = -5;
    if (use_pde(pde)) {
        struct proc_ops *ops = pde->proc_ops;
        int (*write)(void *data, int value) = ops->proc_write;
        if (write != NULL) {
            rv = write(pde->data, value);
        }
        unuse_pde(pde);
    }
    return rv;
}
)"},
           {"close_pdeo", R"(
int close_pdeo(struct proc_dir_entry *pde) {    // claims one open file and releases it; 0: none
    if (atomic_dec_return(&pde->unclaimed) < 0) {
        atomic_inc(&pde->unclaimed);            // every open file is claimed already
        return 0;
    }
    struct proc_ops *ops = pde->proc_ops;
    int (*release)(void *data) = ops->proc_release;
    release(pde->data);
    atomic_dec(&pde->openers);                  // list_del(&pdeo->lh), complete(pdeo->c)
    return 1;
}
)"},
           {"proc_release", R"(
void proc_release(struct proc_dir_entry *pde) {     // proc_reg_release()
    if (!close_pdeo(pde)) {
        await(atomic_read(&pde->openers) == 0); // the rundown is releasing it: wait
    }
}
)"},
           {"proc_remove", R"(
void proc_remove(struct proc_dir_entry *pde) {      // proc_remove() -> proc_entry_rundown()
    if (pde == NULL || xchg(&pde->removed, 1) == 1) {
        return;
    }
    await(atomic_read(&pde->in_use) == 0);      // every caller has left the module
    while (close_pdeo(pde)) {                   // release the files still open
    }
    await(atomic_read(&pde->openers) == 0);     // and wait for the closes in progress
}
)"}}},
  }};
  return kGroups;
}

}  // namespace

std::vector<std::string_view> prelude_functions() {
  std::vector<std::string_view> out;
  for (const Group& g : groups()) {
    for (const Chunk& c : g.chunks) {
      if (!c.function.empty()) out.push_back(c.function);
    }
  }
  return out;
}

Prelude kernel_prelude(std::string_view scenario) {
  // The scenario's identifiers, the structs it defines (`struct NAME {`) and the names it declares
  // at the top level followed by `(` (its functions).
  std::set<std::string_view, std::less<>> names, structs, functions;
  Lexer lexer(scenario);
  Token previous[2];
  int depth = 0;
  for (Token t = lexer.next(); t.kind != TokenKind::Eof; t = lexer.next()) {
    if (t.kind == TokenKind::Identifier) names.insert(t.text);
    if (t.kind == TokenKind::LBrace) {
      if (previous[1].kind == TokenKind::Identifier && previous[0].kind == TokenKind::KwStruct) {
        structs.insert(previous[1].text);
      }
      ++depth;
    } else if (t.kind == TokenKind::RBrace) {
      depth = depth > 0 ? depth - 1 : 0;
    } else if (t.kind == TokenKind::LParen && depth == 0 && previous[1].kind == TokenKind::Identifier) {
      functions.insert(previous[1].text);
    }
    previous[0] = previous[1];
    previous[1] = t;
  }
  const auto& all = groups();
  std::array<bool, 4> wanted{}, shadowed{};
  for (std::size_t g = 0; g < all.size(); ++g) {
    for (std::string_view s : all[g].structs) {
      if (s.empty()) continue;
      if (structs.count(s) != 0) shadowed[g] = true;
      if (names.count(s) != 0) wanted[g] = true;
    }
    for (const Chunk& c : all[g].chunks) {
      if (!c.function.empty() && names.count(c.function) != 0 && functions.count(c.function) == 0) wanted[g] = true;
    }
  }
  for (std::size_t g = 0; g < all.size(); ++g) {  // a group needs the one it uses
    if (wanted[g] && all[g].needs >= 0) wanted[static_cast<std::size_t>(all[g].needs)] = true;
    if (all[g].needs >= 0 && shadowed[static_cast<std::size_t>(all[g].needs)]) shadowed[g] = true;
  }
  Prelude prelude;
  for (std::size_t g = 0; g < all.size(); ++g) {
    if (!wanted[g] || shadowed[g]) continue;
    for (const Chunk& c : all[g].chunks) {
      if (!c.function.empty() && functions.count(c.function) != 0) {  // the scenario's own
        prelude.replaced.emplace_back(c.function);
        continue;
      }
      prelude.text += c.text;
    }
  }
  return prelude;
}

}  // namespace preempt::lang
