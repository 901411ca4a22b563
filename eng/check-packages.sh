#!/usr/bin/env bash
# Packs the three libraries (with symbols packages), then builds and runs two fresh apps that restore
# AccuScene.Otel from that folder, as a team adopting it from a feed would:
# - a console app with the bare builder, configured by AccuScene__* variables;
# - a generic host with builder.Services.AddAccuScene(), configured by its appsettings.json; with a typo key
#   there, it must fail at start naming the key.
# Each time the service name and an AccuScene span must come out of the console exporter. Exits non-zero on the
# first failure.
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

# Packages of this version restored before (an earlier build of the same version number) would be taken from the
# global packages folder instead of the ones just packed: drop them.
nuget_home="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
for id in accuscene.otel.instrumentation accuscene.otel accuscene.otel.aspnetcore; do
  rm -rf "${nuget_home:?}/$id/$version"
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
# The generic host: AddAccuScene() reads the AccuScene section of appsettings.json.
dotnet new console -o host --framework net10.0 >/dev/null
cp app/nuget.config host/nuget.config
cat > host/Program.cs <<'PROGRAM'
using AccuScene.Otel.Instrumentation.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAccuScene();
using var host = builder.Build();
await host.StartAsync();
using (AccuSceneSpans.StartSimulationRun("scene-from-host", vehicleCount: 2))
{
}

await host.StopAsync();
PROGRAM
cat > host/appsettings.json <<'JSON'
{
  "AccuScene": {
    "Service": { "Name": "host-from-appsettings" },
    "Exporters": { "Console": { "Enabled": true } },
    "Dashboard": { "Enabled": false }
  }
}
JSON
sed -i 's#</Project>#  <ItemGroup><None Update="appsettings.json" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>\n</Project>#' host/host.csproj
dotnet add host package AccuScene.Otel --version "$version" >/dev/null
dotnet add host package Microsoft.Extensions.Hosting --version 10.0.0 >/dev/null
dotnet build host -v quiet >/dev/null
output="$(cd host && dotnet run --no-build)"
grep -q "host-from-appsettings" <<<"$output" || { echo "package check: the host's service name from appsettings.json is not in the console output"; echo "$output" | tail -20; exit 1; }
grep -q "simulation.run" <<<"$output" || { echo "package check: no simulation.run span in the host's console output"; echo "$output" | tail -20; exit 1; }
sed -i 's/"Service"/"Servce"/' host/appsettings.json
dotnet build host -v quiet >/dev/null
if typo="$(cd host && dotnet run --no-build 2>&1)"; then
  echo "package check: the host started with the typo key AccuScene:Servce in appsettings.json"; exit 1
fi
grep -q "AccuScene:Servce is not a known setting" <<<"$typo" || { echo "package check: the typo's failure does not name AccuScene:Servce"; echo "$typo" | tail -20; exit 1; }

echo "package check: 3 packages and 3 symbols packages of $version, each with its README; a fresh console app restored AccuScene.Otel from the folder and printed service consumer-from-feed and a simulation.run span; a generic host with AddAccuScene() printed host-from-appsettings from its appsettings.json and a simulation.run span, and failed at start naming AccuScene:Servce when that key had a typo"
