# readiness-gate in a container: `npm pack && docker build -t readiness-gate .`, then, from the folder
# that holds validate.yaml (reports are written there, as you: --user makes the files yours, and lets the
# container write into a folder owned by any uid):
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" readiness-gate run validate.yaml --out report.html
# Without --user it runs as the image's unprivileged user `node`, which can write only where uid 1000 may.
# (No Docker daemon runs on the machines this is developed on: the install step below is the one
# test/cli/package.test.ts runs against the same tarball.)
FROM node:20-slim
COPY readiness-gate-*.tgz /tmp/
# install-from-tarball
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/readiness-gate-*.tgz && rm /tmp/readiness-gate-*.tgz
USER node
WORKDIR /work
# Any uid (--user) has a writable home for npm's and Node's caches.
ENV HOME=/tmp
ENTRYPOINT ["validate"]
CMD ["--help"]
