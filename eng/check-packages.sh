#!/usr/bin/env bash
# Packs the three libraries (with symbols packages), then builds and runs a fresh console app that restores
# AccuScene.Otel from that folder, as a team adopting it from a feed would: its service name and an
# AccuScene span must come out of the console exporter. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

packages="$(mktemp -d)"
consumer="$(mktemp -d)"
trap 'rm -rf "$packages" "$consumer"' EXIT

for project in src/AccuScene.Otel.Instrumentation src/AccuScene.Otel src/AccuScene.Otel.AspNetCore; do
  dotnet pack "$project" -c Release -o "$packages" -v quiet
done
version="$(dotnet msbuild src/AccuScene.Otel -getProperty:PackageVersion)"
for id in AccuScene.Otel.Instrumentation AccuScene.Otel AccuScene.Otel.AspNetCore; do
  for file in "$packages/$id.$version.nupkg" "$packages/$id.$version.snupkg"; do
    [ -f "$file" ] || { echo "package check: $file was not made"; exit 1; }
  done
  # A zip's directory keeps entry names as plain text.
  grep -aq "README.md" "$packages/$id.$version.nupkg" || { echo "package check: $id has no README"; exit 1; }
done

cd "$consumer"
dotnet new console -o app --framework net10.0 >/dev/null
cat > app/nuget.config <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="accuscene-local" value="$packages" />
  </packageSources>
</configuration>
CONFIG
cat > app/Program.cs <<'PROGRAM'
using AccuScene.Otel.Instrumentation.Tracing;
using OpenTelemetry;
using OpenTelemetry.Trace;

using var tracing = Sdk.CreateTracerProviderBuilder().AddAccuScene().Build();
using (AccuSceneSpans.StartSimulationRun("scene-from-feed", vehicleCount: 2))
{
}
PROGRAM
dotnet add app package AccuScene.Otel --version "$version" >/dev/null
output="$(AccuScene__Service__Name=consumer-from-feed AccuScene__Exporters__Console__Enabled=true dotnet run --project app)"
grep -q "consumer-from-feed" <<<"$output" || { echo "package check: the service name is not in the console output"; echo "$output" | tail -20; exit 1; }
grep -q "simulation.run" <<<"$output" || { echo "package check: no simulation.run span in the console output"; echo "$output" | tail -20; exit 1; }
echo "package check: 3 packages and 3 symbols packages of $version, each with its README; a fresh console app restored AccuScene.Otel from the folder and printed service consumer-from-feed and a simulation.run span"
