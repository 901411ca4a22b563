using AccuScene.Otel.Benchmarks;
using BenchmarkDotNet.Running;

// Full set: dotnet run -c Release --project test/AccuScene.Otel.Benchmarks -- --filter '*'
// Quick run: add --job short. P5 accuracy table: dotnet run -c Release --project test/AccuScene.Otel.Benchmarks -- accuracy
if (args is ["accuracy"])
{
    AccuracyReport.Run();
    return;
}

// P6 memory table: dotnet run -c Release --project test/AccuScene.Otel.Benchmarks -- dashboard-memory
if (args is ["dashboard-memory"])
{
    DashboardMemoryReport.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
