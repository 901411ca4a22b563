using System.Text.Json;
using System.Text.Json.Serialization;

namespace AccuScene.Otel.Diagnostics;

/// <summary>
/// Writes a double rounded to <see cref="Figures.SignificantDigits"/> significant digits (the model is for display),
/// and one that is not a finite number as <c>null</c>, which JSON can hold, instead of throwing.
/// </summary>
internal sealed class DisplayDoubleJsonConverter : JsonConverter<double>
{
    public override bool HandleNull => false;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(Figures.Round(value));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
