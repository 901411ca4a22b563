#!/usr/bin/env pwsh
<#
.SYNOPSIS
    AccuScene.Otel build script. Run through the local tool manifest:
        dotnet tool restore
        dotnet pwsh ./build.ps1 <task>
.PARAMETER Task
    build   Release build of the whole solution (warnings are errors).
    test    Runs every test assembly, as CI does (set CI=true to fail on missing servers).
    pack    Packs the three libraries (with symbols packages) into artifacts/packages.
    bench   Runs the benchmarks; pass -Quick for a short run, -Filter to choose.
    format  Verifies formatting (dotnet format --verify-no-changes); -Fix applies it.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'pack', 'bench', 'format')]
    [string] $Task = 'build',
    [string] $Configuration = 'Release',
    [string] $Filter = '*',
    [switch] $Quick,
    [switch] $Fix
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Set-Location $PSScriptRoot
$solution = 'AccuScene.Otel.sln'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

switch ($Task) {
    'build' { Invoke-Dotnet build $solution -c $Configuration }
    'test' { Invoke-Dotnet test $solution -c $Configuration }
    'pack' {
        $libraries = 'src/AccuScene.Otel.Instrumentation', 'src/AccuScene.Otel', 'src/AccuScene.Otel.AspNetCore'
        foreach ($project in $libraries) {
            Invoke-Dotnet pack $project -c $Configuration -o artifacts/packages
        }
    }
    'bench' {
        $benchArgs = @('--filter', $Filter)
        if ($Quick) { $benchArgs += @('--job', 'short') }
        Invoke-Dotnet run -c Release --project test/AccuScene.Otel.Benchmarks -- @benchArgs
    }
    'format' {
        if ($Fix) { Invoke-Dotnet format $solution }
        else { Invoke-Dotnet format $solution --verify-no-changes }
    }
}
