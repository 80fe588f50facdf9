# The gatewatch container image: one static binary on distroless, run as a
# non-root user. Build it from a checkout:
#
#   docker build -t registry.example.com/gatewatch:v1.2.3 \
#     --build-arg VERSION=v1.2.3 \
#     --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg COMMIT_TIME="$(git log -1 --format=%cI)" \
#     --build-arg BUILD_TIME="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
#
# The README's CronJob and Indexed Job run this image. TestDockerfile
# (cmd/gatewatch/dockerfile_test.go) builds the binary with this file's
# build command, checks it is statically linked and runs `scan --demo`
# under this file's USER, so the image works where no daemon is at hand.

# The Go version is go.mod's go line; a test keeps them equal.
FROM golang:1.26.8 AS build
WORKDIR /src
# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .git is not in the build context (.dockerignore), so the revision is
# passed in rather than read by Go's VCS stamping.
ARG VERSION=
ARG REVISION=
ARG COMMIT_TIME=
ARG BUILD_TIME=
# No cgo: the binary needs no libc, so it runs on an image without one.
ENV CGO_ENABLED=0
RUN go build -trimpath -buildvcs=false -ldflags="-s -w -X main.version=${VERSION} -X main.revision=${REVISION} -X main.commitTime=${COMMIT_TIME} -X main.buildTime=${BUILD_TIME}" -o /out/gatewatch ./cmd/gatewatch

# distroless/static carries CA certificates (the AWS APIs are HTTPS) and
# tzdata, and no shell or package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/gatewatch /usr/local/bin/gatewatch
# Numeric, so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
ENTRYPOINT ["gatewatch"]
