namespace Nextra.Host.Tests.Operations;

/// <summary>A span as decoded from an OTLP <c>ExportTraceServiceRequest</c>.</summary>
public sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Reads spans out of OTLP/HTTP protobuf bodies by walking the wire format (resource_spans = 1 → scope_spans = 2 →
/// spans = 2; span: trace_id 1, span_id 2, parent_span_id 4, name 5, attributes 9 as KeyValue{key 1, AnyValue 2}).
/// </summary>
public static class OtlpSpans
{
    public static List<OtlpSpan> Decode(byte[] body)
    {
        var spans = new List<OtlpSpan>();
        foreach (var resource in Fields(body).Where(f => f.Number == 1))
        foreach (var scope in Fields(resource.Bytes!).Where(f => f.Number == 2))
        foreach (var span in Fields(scope.Bytes!).Where(f => f.Number == 2))
        {
            string traceId = "", spanId = "", parent = "", name = "";
            var attributes = new Dictionary<string, string>();
            foreach (var f in Fields(span.Bytes!))
            {
                switch (f.Number)
                {
                    case 1: traceId = Convert.ToHexStringLower(f.Bytes!); break;
                    case 2: spanId = Convert.ToHexStringLower(f.Bytes!); break;
                    case 4: parent = Convert.ToHexStringLower(f.Bytes!); break;
                    case 5: name = System.Text.Encoding.UTF8.GetString(f.Bytes!); break;
                    case 9:
                        string key = "", value = "";
                        foreach (var kv in Fields(f.Bytes!))
                        {
                            if (kv.Number == 1) key = System.Text.Encoding.UTF8.GetString(kv.Bytes!);
                            else if (kv.Number == 2)
                            {
                                foreach (var any in Fields(kv.Bytes!))
                                {
                                    value = any.Number == 1 ? System.Text.Encoding.UTF8.GetString(any.Bytes!) : any.Varint.ToString(System.Globalization.CultureInfo.InvariantCulture);
                                }
                            }
                        }
                        attributes[key] = value;
                        break;
                }
            }
            spans.Add(new OtlpSpan(traceId, spanId, parent, name, attributes));
        }
        return spans;
    }

    private readonly record struct Field(int Number, byte[]? Bytes, ulong Varint);

    private static List<Field> Fields(byte[] data)
    {
        var fields = new List<Field>();
        var i = 0;
        while (i < data.Length)
        {
            var key = ReadVarint(data, ref i);
            var number = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0: fields.Add(new Field(number, null, ReadVarint(data, ref i))); break;
                case 1: fields.Add(new Field(number, null, BitConverter.ToUInt64(data, i))); i += 8; break;
                case 2:
                    var length = (int)ReadVarint(data, ref i);
                    fields.Add(new Field(number, data[i..(i + length)], 0));
                    i += length;
                    break;
                case 5: fields.Add(new Field(number, null, BitConverter.ToUInt32(data, i))); i += 4; break;
                default: throw new InvalidDataException($"wire type {key & 7} at {i}");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }
}
