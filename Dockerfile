# readiness-gate in a container: `docker build -t readiness-gate .` after `npm pack`, then
#   docker run --rm -v "$PWD:/work" readiness-gate run validate.yaml
# (No Docker daemon runs on the machines this is developed on: the install step below is the one
# test/cli/package.test.ts runs against the same tarball.)
FROM node:20-slim
COPY readiness-gate-*.tgz /tmp/
# install-from-tarball
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/readiness-gate-*.tgz && rm /tmp/readiness-gate-*.tgz
USER node
WORKDIR /work
ENTRYPOINT ["validate"]
CMD ["--help"]
