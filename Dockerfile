# fika in a container: a multi-stage build, a slim non-root runtime, the data dir as a
# volume, and a HEALTHCHECK on /healthz (by `fika healthcheck`: the image carries no curl).
#
#   docker build -t fika .
#   docker run -d --name fika -p 8080:8080 -v fika-data:/var/lib/fika fika serve --demo
#
# A named volume takes the image's owner (fika, uid 10001); a host directory mounted instead
# must belong to uid 10001. PostgreSQL instead of the SQLite file in the volume (which still
# holds the search index): -e FIKA_DATABASE_URL=postgres://fika:secret@db:5432/fika. Every
# setting is an environment variable (README, Configuration); secrets belong in files
# mounted read-only (--smtp-password-file, --metrics-token-file, …) or the runtime's secrets.

# --- build: the release binary, its debug info split off as contrib/release.sh does ---
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# target/ is a cache between builds, so the binary is split out of it in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
    && FIKA_BIN=target/release/fika contrib/release.sh /out

# --- the debug info, kept out of the image; to keep it with a release:
#   docker build --target debug --output type=local,dest=dist .
FROM scratch AS debug
COPY --from=build /out/fika.debug /

# --- run ---
FROM debian:bookworm-slim
# libssl3: the PostgreSQL client library's TLS; ca-certificates: TLS to the SMTP server, the
# OpenID provider and webhooks' receivers.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/fika \
       --shell /usr/sbin/nologin fika \
    && install -d -o fika -g fika -m 0750 /var/lib/fika
COPY --from=build /out/fika /usr/local/bin/fika
USER fika:fika
ENV FIKA_ADDR=0.0.0.0:8080 \
    FIKA_DATA_DIR=/var/lib/fika
VOLUME ["/var/lib/fika"]
EXPOSE 8080
# A start may rebuild the search index before it answers: give it a minute.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["fika", "healthcheck"]
# fika finishes the requests in flight on SIGTERM, for up to 20 s; docker waits 10 s unless
# told otherwise: run it with --stop-timeout 30.
STOPSIGNAL SIGTERM
ENTRYPOINT ["fika"]
CMD ["serve"]
