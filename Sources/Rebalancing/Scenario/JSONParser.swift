/// A strict JSON (RFC 8259) parser straight into a ``Document``: keeps key order, duplicate
/// keys (the reader refuses them) and every number's text; refuses nesting past the limit.
/// Much faster than `JSONDecoder` for this untyped tree, which matters for batches.
struct JSONParser {
    // (Internal, not private: the typical household's reader, JSONParser+Household.swift, reads
    // with them too.)
    /// The text, borrowed for the parse (``reading(_:_:)``): read byte by byte with no bounds
    /// check or reference count (every read is after a test of `i` against `bytes.count`), and
    /// sliced with no copy. What the parse returns never points into it.
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    static func parse(_ bytes: [UInt8]) throws(DocumentError) -> Document {
        try reading(bytes) { parser throws(DocumentError) in
            // A UTF-8 byte order mark is skipped, as YAML skips it (RFC 8259 §8.1 allows it).
            if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.i = 3 }
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.i == parser.bytes.count else { throw parser.error("unexpected text after the end of the JSON value") }
            return value
        }
    }

    /// `body` given a parser at the start of `bytes`, for as long as it runs.
    static func reading<R, E: Error>(_ bytes: [UInt8], _ body: (inout JSONParser) throws(E) -> R) throws(E) -> R {
        try bytes.withUnsafeBufferPointer { buffer throws(E) in
            var parser = JSONParser(bytes: buffer)
            return try body(&parser)
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func error(_ message: String) -> DocumentError {
        // Report a line and column, counted up to the failure.
        var line = 1, column = 1
        for b in bytes[..<min(i, bytes.count)] {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return .syntax("invalid JSON at line \(line), column \(column): \(message)")
    }

    /// Inlined down to one test where no space follows (JSON as written by a program: a lot's
    /// fields read some twenty of these, each once a call of its own).
    @inline(__always)
    mutating func skipSpace() {
        guard i < bytes.count, bytes[i] <= 0x20 else { return }
        skipSpaces()
    }

    private mutating func skipSpaces() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func value(depth: Int) throws(DocumentError) -> Document {
        guard depth <= DocumentLimits.maxDepth else {
            throw .tooLarge("lists and mappings nest more than \(DocumentLimits.maxDepth) levels deep")
        }
        guard i < bytes.count else { throw error("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true, text: "true")
        case UInt8(ascii: "f"): try literal("false"); return .bool(false, text: "false")
        case UInt8(ascii: "n") where !starts(with: "nan"): try literal("null"); return .null
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default:
            for word in ["NaN", "nan", "Infinity", "-Infinity", "inf", "-inf"] where starts(with: word) {
                throw error("\(word) is not a JSON number (JSON has no NaN or infinity); write a finite number")
            }
            return try number()
        }
    }

    private func starts(with word: String) -> Bool {
        var k = i
        for b in word.utf8 {
            guard k < bytes.count, bytes[k] == b else { return false }
            k += 1
        }
        return true
    }

    mutating func literal(_ word: String) throws(DocumentError) {
        for b in word.utf8 {
            guard i < bytes.count, bytes[i] == b else { throw error("unexpected character") }
            i += 1
        }
    }

    private mutating func object(depth: Int) throws(DocumentError) -> Document {
        i += 1
        var pairs: [(key: String, value: Document)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .map(pairs) }
        // A lot or a slice has a handful of keys: room for them at once, not grown 1, 2, 4, 8.
        pairs.reserveCapacity(8)
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
            let key = try self.key()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            i += 1
            skipSpace()
            pairs.append((key, try value(depth: depth + 1)))
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .map(pairs) }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func array(depth: Int) throws(DocumentError) -> Document {
        i += 1
        var items: [Document] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
            throw error("expected ',' or ']' in an array")
        }
    }

    /// A key: the scenario's own spelling of the keys every lot and slice repeats (no string
    /// made and checked per lot for each of them), else as ``string()`` reads it.
    private mutating func key() throws(DocumentError) -> String {
        let start = i + 1
        // The key's end, and its first 16 bytes packed into two words on the way (none of them is
        // 0, as a key's bytes are at least 0x20: equal words, equal bytes).
        var end = start
        var packed: Packed = (0, 0)
        while end < bytes.count {
            let c = bytes[end]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
            let k = end - start
            if k < 8 {
                packed.0 |= UInt64(c) << (8 * k)
            } else if k < 16 {
                packed.1 |= UInt64(c) << (8 * (k - 8))
            }
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\""), end > start, end - start <= 16 {
            let keys = Self.repeatedKeys
            for k in keys.indices where keys[k].spelling == packed {
                i = end + 1
                return keys[k].key
            }
        }
        return try string()
    }

    private typealias Packed = (UInt64, UInt64)

    /// The keys of a lot and of a pie slice (a lot's first), packed as ``key()`` packs them, and
    /// as the key.
    private static let repeatedKeys: [(spelling: Packed, key: String)] =
        ["symbol", "shares", "costBasis", "acquired", "id", "doNotSell", "weight", "slices", "alternates", "name"].map {
            key in
            var words: Packed = (0, 0)
            for (k, c) in key.utf8.enumerated() {
                if k < 8 { words.0 |= UInt64(c) << (8 * k) } else { words.1 |= UInt64(c) << (8 * (k - 8)) }
            }
            return (words, key)
        }

    private mutating func string() throws(DocumentError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            defer { i += 1 }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }
        var out = Array(bytes[start..<i])
        while true {
            guard i < bytes.count else { throw error("unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            guard b >= 0x20 else { throw error("control character in a string") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw error("unterminated escape") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate in a string")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in a string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                out += Array(String(Character(u)).utf8)
            default:
                throw error("invalid escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func hex4() throws(DocumentError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    private mutating func number() throws(DocumentError) -> Document {
        let number = try readNumber()
        return .number(number.value, text: String(decoding: bytes[number.text], as: UTF8.self))
    }

    /// Reads a number, `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: its value and
    /// where its text is, in one pass over it. The digits are gathered as they are read: where
    /// they make an integer of at most 2^53 and the power of ten is at most 22 either way, both
    /// are exact Doubles and one multiplication or division rounds correctly, giving the same
    /// Double as a full decimal conversion (Clinger's fast path). Prices, shares and costs
    /// almost always qualify; anything else is converted in full, `Double(String)`.
    mutating func readNumber() throws(DocumentError) -> (value: Double, text: Range<Int>) {
        let start = i
        var significand: UInt64 = 0  // the digits read, as an integer, while at most 2^53
        var exact = true  // whether `significand` holds all of them
        /// Reads a run of digits into `significand`; how many.
        func digits() -> Int {
            let s = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                let d = UInt64(bytes[i] &- UInt8(ascii: "0"))
                if exact, significand <= (Self.exactLimit - d) / 10 {
                    significand = significand * 10 + d
                } else {
                    exact = false
                }
                i += 1
            }
            return i - s
        }
        let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < bytes.count else { throw error("unexpected end of input") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            throw error("unexpected character")
        }
        var decimals = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            decimals = digits()
            guard decimals > 0 else { throw error("expected digits after '.'") }
        }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var negativeExponent = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                negativeExponent = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            let s = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                // Past 1000 it is far beyond the fast path: counted no further.
                if exponent < 1000 { exponent = exponent * 10 + Int(bytes[i] &- UInt8(ascii: "0")) }
                i += 1
            }
            guard i > s else { throw error("expected digits in the exponent") }
            if negativeExponent { exponent = -exponent }
        }
        let text = start..<i
        let power = exponent - decimals
        if exact, abs(exponent) < 1000, power >= -22, power <= 22 {
            var value = Double(significand)
            value = power >= 0 ? value * Self.powersOfTen[power] : value / Self.powersOfTen[-power]
            return (negative ? -value : value, text)
        }
        guard let value = Double(String(decoding: bytes[text], as: UTF8.self)) else { throw error("invalid number") }
        return (value, text)
    }

    /// 2^53: every integer up to it is an exact Double.
    private static let exactLimit: UInt64 = 1 << 53
    /// 10^0 … 10^22, each an exact Double.
    private static let powersOfTen: [Double] = (0...22).map { n in (0..<n).reduce(1.0) { r, _ in r * 10 } }
}
