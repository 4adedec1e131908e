/// A JSON value with ordered keys and numbers already formatted, so that output is
/// byte-for-byte deterministic and rounds money to cents and shares to 6 decimals.
///
/// Not `indirect`: arrays and objects hold their elements out of line already (boxing every
/// value as well cost an allocation per number written).
public enum JSONValue: Sendable, Equatable {
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
        var out = JSONBytes()
        write(to: &out, indent: nil, level: 0)
        return out.string
    }

    /// Indented JSON for people.
    public func pretty() -> String {
        var out = JSONBytes()
        write(to: &out, indent: Array("  ".utf8), level: 0)
        return out.string
    }

    /// Written as UTF-8 bytes into one growing buffer (appending to a String checked and grew
    /// it piece by piece: most of a batch's output time).
    private func write(to out: inout JSONBytes, indent: [UInt8]?, level: Int) {
        func newline(_ level: Int) {
            guard let indent else { return }
            out.append(UInt8(ascii: "\n"))
            for _ in 0..<level { indent.withUnsafeBufferPointer { out.append($0) } }
        }
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n): out.append(n)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            if pairs.isEmpty { out.append("{}"); return }
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(UInt8(ascii: " ")) }
                value.write(to: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, to out: inout JSONBytes) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: append them whole.
        var s = s
        let plain = s.withUTF8 { utf8 in
            guard !utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else {
                return false
            }
            out.append(utf8)
            return true
        }
        if !plain {
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
                default: UTF8.encode(scalar) { out.append($0) }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The UTF-8 bytes of JSON being written, in one growing buffer of its own. (In an array, each
/// byte appended checked the array's uniqueness and capacity, and a run of bytes took the generic
/// sequence path: some 100 instructions for a key, most of the time a batch spent writing its
/// lines.) Not copyable: the buffer has one owner and goes with it.
struct JSONBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init() {
        capacity = 4096
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: 1) }
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if bytes.count > capacity - count { grow(toHold: bytes.count) }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// `text` (plain ASCII, nothing to escape: the source's own) in quotes, after a comma when
    /// `comma`, and followed by `suffix` (a key's colon) when it is not 0: one capacity check and
    /// the bytes stored one by one (a key or a word is a few bytes: `memcpy` and an append of
    /// each byte apart cost twice as much, and a batch line writes some 150 keys).
    mutating func appendQuoted(_ text: StaticString, comma: Bool, suffix: UInt8 = 0) {
        guard text.hasPointerRepresentation else {
            if comma { append(UInt8(ascii: ",")) }
            append(UInt8(ascii: "\""))
            append(text)
            append(UInt8(ascii: "\""))
            if suffix != 0 { append(suffix) }
            return
        }
        let n = text.utf8CodeUnitCount
        let total = n + 2 + (comma ? 1 : 0) + (suffix != 0 ? 1 : 0)
        if total > capacity - count { grow(toHold: total) }
        var at = base + count
        if comma {
            at[0] = UInt8(ascii: ",")
            at += 1
        }
        at[0] = UInt8(ascii: "\"")
        let source = text.utf8Start
        for k in 0..<n { at[1 + k] = source[k] }
        at[n + 1] = UInt8(ascii: "\"")
        if suffix != 0 { at[n + 2] = suffix }
        count += total
    }

    /// `day` as ``Day/description`` writes it, in quotes (a JSON string with nothing to escape).
    mutating func appendQuoted(_ day: Day) {
        let n = Day.textLength + 2
        if n > capacity - count { grow(toHold: n) }
        let at = base + count
        at[0] = UInt8(ascii: "\"")
        day.writeText { at[1 + $0] = $1 }
        at[n - 1] = UInt8(ascii: "\"")
        count += n
    }

    /// Room for `n` more bytes: twice the capacity, or more if that is not enough.
    private mutating func grow(toHold n: Int) {
        let newCapacity = max(2 * capacity, count + n)
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        new.moveInitialize(from: base, count: count)
        base.deallocate()
        (base, capacity) = (new, newCapacity)
    }

    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
}

/// Compact JSON written straight into bytes, field by field: the same text as building a
/// ``JSONValue`` and calling ``JSONValue/serialized()``, without the tree (its arrays, strings and
/// their release), for the lines a batch writes by the thousand. Commas go where they belong:
/// a `key` or a value in an array after the first of its container.
struct JSONLineWriter: JSONSink, ~Copyable {
    private var out = JSONBytes()
    /// No element in the innermost open container yet.
    private var first = true
    /// A key was written: its value follows with no comma.
    private var afterKey = false

    mutating func beginObject() {
        value()
        out.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func endObject() {
        out.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func beginArray() {
        value()
        out.append(UInt8(ascii: "["))
        first = true
    }

    mutating func endArray() {
        out.append(UInt8(ascii: "]"))
        first = false
    }

    mutating func key(_ key: StaticString) {
        // A key of the source's own: plain ASCII, nothing to escape.
        assert(key.withUTF8Buffer { !$0.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 >= 0x80 } })
        out.appendQuoted(key, comma: !first, suffix: UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func key(named key: String) {
        if !first { out.append(UInt8(ascii: ",")) }
        JSONValue.writeString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ text: String) {
        value()
        JSONValue.writeString(text, to: &out)
    }

    mutating func word(_ text: StaticString) {
        value()
        // A word of the source's own, as a key: plain ASCII, nothing to escape.
        assert(text.withUTF8Buffer { !$0.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 >= 0x80 } })
        out.appendQuoted(text, comma: false)
    }

    mutating func day(_ day: Day) {
        value()
        out.appendQuoted(day)
    }

    /// A number already formatted (``Money``).
    mutating func number(_ text: String) {
        value()
        out.append(text)
    }

    mutating func money(_ x: Double) {
        value()
        Money.appendPlain(x, to: &out)
    }

    mutating func decimal(_ x: Double) {
        value()
        Money.appendDecimal(x, to: &out)
    }

    mutating func bool(_ b: Bool) {
        value()
        out.append(b ? "true" : "false")
    }

    /// A comma before any value but the first of an array, none after a key.
    private mutating func value() {
        if afterKey {
            afterKey = false
        } else if !first {
            out.append(UInt8(ascii: ","))
        }
        first = false
    }

    var string: String { out.string }
}

/// Where JSON goes value by value, so that an object's fields are written once for every output:
/// ``JSONLineWriter`` (bytes, no tree) and ``JSONTreeBuilder`` (a ``JSONValue``). A `key` precedes
/// each value of an object; numbers come formatted (``Money``), or as money or decimals that
/// the sink formats as ``Money/plain(_:)`` and ``Money/decimal(_:)`` do.
protocol JSONSink: ~Copyable {
    mutating func beginObject()
    mutating func endObject()
    mutating func beginArray()
    mutating func endArray()
    /// A key written in the source (plain ASCII).
    mutating func key(_ key: StaticString)
    /// A key made at run time (an account's name).
    mutating func key(named key: String)
    mutating func string(_ text: String)
    /// A string written in the source (plain ASCII: nothing to escape).
    mutating func word(_ text: StaticString)
    /// A date, as the string ``Day/description`` gives.
    mutating func day(_ day: Day)
    mutating func number(_ text: String)
    /// ``Money/plain(_:)``'s text.
    mutating func money(_ x: Double)
    /// ``Money/decimal(_:)``'s text (shares too: ``Money/formatShares(_:)``).
    mutating func decimal(_ x: Double)
    mutating func bool(_ b: Bool)
}

/// A ``JSONValue`` built value by value (see ``JSONSink``).
struct JSONTreeBuilder: JSONSink {
    /// An object or array not closed yet: its members so far and, in an object, the key given.
    private struct Open {
        let isObject: Bool
        var fields: [(String, JSONValue)] = []
        var items: [JSONValue] = []
        var key: String?
    }
    private var open: [Open] = []
    /// The outermost value, once it is complete.
    private(set) var value: JSONValue?

    private mutating func add(_ v: JSONValue) {
        guard !open.isEmpty else {
            precondition(value == nil, "JSONTreeBuilder: a second value at the top level")
            value = v
            return
        }
        if open[open.count - 1].isObject {
            guard let key = open[open.count - 1].key else { preconditionFailure("JSONTreeBuilder: a value in an object without a key") }
            open[open.count - 1].fields.append((key, v))
            open[open.count - 1].key = nil
        } else {
            open[open.count - 1].items.append(v)
        }
    }

    mutating func beginObject() { open.append(Open(isObject: true)) }
    mutating func endObject() {
        let done = open.removeLast()
        precondition(done.isObject, "JSONTreeBuilder: endObject closes an array")
        add(.object(done.fields))
    }
    mutating func beginArray() { open.append(Open(isObject: false)) }
    mutating func endArray() {
        let done = open.removeLast()
        precondition(!done.isObject, "JSONTreeBuilder: endArray closes an object")
        add(.array(done.items))
    }
    mutating func key(_ key: StaticString) { open[open.count - 1].key = key.description }
    mutating func key(named key: String) { open[open.count - 1].key = key }
    mutating func string(_ text: String) { add(.string(text)) }
    mutating func word(_ text: StaticString) { add(.string(text.description)) }
    mutating func day(_ day: Day) { add(.string(day.description)) }
    mutating func number(_ text: String) { add(.number(text)) }
    mutating func money(_ x: Double) { add(.number(Money.plain(x))) }
    mutating func decimal(_ x: Double) { add(.number(Money.decimal(x))) }
    mutating func bool(_ b: Bool) { add(.bool(b)) }
}

extension JSONValue {
    /// The value `write` gives, as a tree.
    static func build(_ write: (inout JSONTreeBuilder) -> Void) -> JSONValue {
        var builder = JSONTreeBuilder()
        write(&builder)
        guard let value = builder.value else { preconditionFailure("JSONTreeBuilder: no complete value written") }
        return value
    }
}
