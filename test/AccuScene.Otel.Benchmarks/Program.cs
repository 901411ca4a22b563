using BenchmarkDotNet.Running;

// Full set: dotnet run -c Release --project test/AccuScene.Otel.Benchmarks -- --filter '*'
// Quick run: add --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
