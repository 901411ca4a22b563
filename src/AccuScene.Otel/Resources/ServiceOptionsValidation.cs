namespace AccuScene.Otel.Resources;

/// <summary>Validation of <c>AccuScene:Service</c>.</summary>
internal static partial class ServiceOptionsValidation
{
    public static void Validate(AccuSceneServiceOptions service, string root, List<string> failures)
    {
        OptionChecks.RequireNonBlankIfSet(service.Name, $"{root}:Service:Name", failures);
        OptionChecks.RequireNonBlankIfSet(service.Version, $"{root}:Service:Version", failures);
        OptionChecks.RequireNonBlankIfSet(service.InstanceId, $"{root}:Service:InstanceId", failures);
        OptionChecks.RequireNonBlankIfSet(service.Environment, $"{root}:Service:Environment", failures);
    }
}
