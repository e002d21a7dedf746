#!/bin/sh
# Entry point of the builder's container: the builder function on FC's custom-container runtime
# (HTTP on FC_CUSTOM_LISTEN_PORT, 9000 by default; build jobs arrive as POST /invoke). Runs as root so that it can start
# each build in its sandbox as a uid of its own; it never runs user code itself.
set -eu
mkdir -p "${MIAOBU_BUILD_DIR:-/tmp/miaobu-builds}"
chmod 0711 "${MIAOBU_BUILD_DIR:-/tmp/miaobu-builds}"
exec java ${MIAOBU_JAVA_OPTS:-} -jar /opt/miaobu/miaobu-builder.jar
