# preempt in a container, Debian 12 based: the first stage installs what building needs
# (scripts/install-deps.sh main), builds preempt without the tests and packs the .deb; the second
# installs that .deb into a slim Debian 12, with its Depends (Boost.Context, fmt) from apt.
#
#   docker build -t preempt --build-arg PREEMPT_REVISION="$(git describe --tags --always --dirty)" .
#   docker run --rm -v "$PWD:/work" preempt test scenarios/
#
# (.dockerignore leaves .git out, so the revision comes from the build argument; without it
# `preempt --version` says "revision unknown".)
FROM debian:12 AS build
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
# file: CPack runs it (with dpkg-shlibdeps) to compute the package's Depends.
RUN /src/scripts/install-deps.sh main \
 && apt-get update \
 && apt-get install -y --no-install-recommends file \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
ARG PREEMPT_REVISION=
RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPREEMPT_TESTS=OFF \
      -DPREEMPT_REVISION="${PREEMPT_REVISION}" \
 && cmake --build /build \
 && cd /build && cpack -G DEB

FROM debian:12-slim
COPY --from=build /build/preempt_*.deb /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/preempt_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/preempt_*.deb \
 && preempt --version
WORKDIR /work
ENTRYPOINT ["preempt"]
CMD ["--help"]
