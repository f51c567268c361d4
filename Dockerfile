# syntax=docker/dockerfile:1
# The image of every module, built from its jar (mvn package -DskipTests first):
#   docker build --build-arg MODULE=dns-service -t container-cloud/dns-service .
# One recipe for all modules on purpose: the hardening (non-root user, layered jar, health
# check, memory-aware JVM) must not drift between eleven copies.
ARG JAVA_IMAGE=eclipse-temurin:17-jre-jammy

FROM ${JAVA_IMAGE} AS layers
ARG MODULE
WORKDIR /build
COPY ${MODULE}/target/${MODULE}-*.jar jars/
# the runnable jar (kube-sim also keeps a plain one, for use as a library)
RUN for jar in jars/*.jar; do \
      java -Djarmode=tools -jar "$jar" extract --layers --launcher --destination extracted 2>/dev/null && break; \
    done; test -d extracted/application

FROM ${JAVA_IMAGE}
# nginx-agent drives a local nginx; the other modules need only curl for the health check.
# Only what the base lacks is installed, so a base that has it all needs no network.
ARG EXTRA_PACKAGES=""
RUN missing=""; \
    for package in curl ${EXTRA_PACKAGES}; do \
      dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing="$missing $package"; \
    done; \
    if [ -n "$missing" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends $missing \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --system --gid 10001 platform \
 && useradd --system --uid 10001 --gid platform --no-create-home --shell /usr/sbin/nologin platform
# declared after the packages, so that layer is shared by every module built from one base
ARG MODULE
WORKDIR /app
# Least-changing layers first, so a code change rebuilds only the last one.
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
USER 10001:10001
ENV SERVICE=${MODULE} \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=5 \
  CMD curl -fsS "http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health/readiness" || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
