# Nextra: one Native AOT binary with the UI embedded, on a /data volume.
# Same steps as the README and scripts/aot-smoke.sh: build wwwroot with npm (what the Host's
# MSBuild target runs), then `dotnet publish src/Nextra.Host -c Release -r linux-x64 -p:PublishAot=true`.
#   docker build -t nextra .
#   docker run -p 5080:5080 -v nextra-data:/data nextra      # then open the setup link it prints

# 1. UI: npm ci + npm run build -> wwwroot/dist
FROM node:20-bookworm-slim AS ui
WORKDIR /src/wwwroot
COPY wwwroot/package.json wwwroot/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY wwwroot/ ./
RUN npm run build

# 1b. The AssemblyScript compiler the server runs for code blocks' `source:` (tools/asc, pinned).
FROM node:20-bookworm-slim AS asc
WORKDIR /src/tools/asc
COPY tools/asc/ ./
RUN npm ci --no-audit --no-fund

# 2. Native AOT publish (ILCompiler needs a C toolchain; it links zlib statically)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
COPY --from=ui /src/wwwroot/dist ./wwwroot/dist
# SkipUi: dist was built in stage 1; the publish embeds it without running npm again.
RUN dotnet publish src/Nextra.Host -c Release -r linux-x64 -p:PublishAot=true -p:SkipUi=true -o /app \
 && rm -f /app/*.dbg

# 3. Runtime: glibc + the binary and its native libraries (SQLite, Wasmtime)
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
WORKDIR /app
COPY --from=build /app/ ./
# AssemblyScript builds need node and the pinned compiler; without them only `wat:` and .wasm work.
COPY --from=asc /usr/local/bin/node /usr/local/bin/node
COPY --from=asc /src/tools/asc/ ./tools/asc/
RUN mkdir -p /data && chown app:app /data
USER app
VOLUME /data
# Inside the container listen on all interfaces; publish the port to choose who can reach it.
ENV NEXTRA_DATA_DIR=/data \
    NEXTRA_URLS=http://0.0.0.0:5080 \
    NEXTRA_ASC_DIR=/app/tools/asc
EXPOSE 5080
ENTRYPOINT ["/app/nextra"]
CMD ["serve"]
