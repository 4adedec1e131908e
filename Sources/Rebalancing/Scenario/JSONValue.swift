/// A JSON value with ordered keys and numbers already formatted, so that output is
/// byte-for-byte deterministic and rounds money to cents and shares to 6 decimals.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, written exactly as given (already rounded).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

    public static func money(_ x: Double) -> JSONValue { .number(Money.plain(x)) }
    public static func shares(_ x: Double) -> JSONValue { .number(Money.formatShares(x)) }
    /// A fraction (drift) with 6 decimals, trailing zeros dropped.
    public static func fraction(_ x: Double) -> JSONValue { .number(Money.decimal(x)) }

    /// Compact JSON on one line.
    public func serialized() -> String {
        var out = ""
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented JSON for people.
    public func pretty() -> String {
        var out = ""
        write(to: &out, indent: "  ", level: 0)
        return out
    }

    private func write(to out: inout String, indent: String?, level: Int) {
        func newline(_ level: Int) {
            guard let indent else { return }
            out.append("\n")
            for _ in 0..<level { out.append(indent) }
        }
        let separator = indent == nil ? ":" : ": "
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n): out.append(n)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            out.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(",") }
                newline(level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out.append("]")
        case .object(let pairs):
            if pairs.isEmpty { out.append("{}"); return }
            out.append("{")
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out.append(",") }
                newline(level + 1)
                Self.writeString(key, to: &out)
                out.append(separator)
                value.write(to: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out.append("}")
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out.append("\"")
        // Most strings need no escape: append them whole.
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
            out.append(s)
            out.append("\"")
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }
}
