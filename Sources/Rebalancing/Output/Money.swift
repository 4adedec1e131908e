/// Rounding and formatting of money, shares and fractions: only ever at output, and only here.
///
/// Every renderer turns numbers into text through these, so the same figure reads the same in
/// every command and format:
/// - money for people: ``format(_:)`` (`$1,234.56`), ``signed(_:)`` (`+$12.00`);
/// - money for machines (CSV, JSON): ``plain(_:)`` (`1234.56`, cents);
/// - shares, everywhere: ``formatShares(_:)`` (6 decimals at most, `200.9362`);
/// - other decimals (rates, fractions, points): ``decimal(_:)``, as shares;
/// - percentages of a fraction: ``percent(_:places:)`` (`12.34%`).
public enum Money {
    /// Rounded to cents, without negative zero.
    public static func cents(_ x: Double) -> Double {
        let r = (x * 100).rounded() / 100
        return r == 0 ? 0 : r
    }

    /// Rounded to 6 decimals, without negative zero.
    public static func shares(_ x: Double) -> Double {
        let r = (x * 1e6).rounded() / 1e6
        return r == 0 ? 0 : r
    }

    /// `$1,234.56`, `-$12.00`.
    public static func format(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 9e15 else { return "$\(x)" }
        let cents = Int64((abs(x) * 100).rounded())
        let negative = x < 0 && cents != 0
        return (negative ? "-$" : "$") + grouped(cents / 100) + "." + pad(Int(cents % 100), 2)
    }

    /// `+$12.00` when positive in cents, else as ``format(_:)``: a change or a tax to pay.
    public static func signed(_ x: Double) -> String {
        cents(x) > 0 ? "+" + format(x) : format(x)
    }

    /// Money for machines (CSV, JSON): cents, no currency sign or separators: `1234.50`, `-12.00`.
    public static func plain(_ x: Double) -> String {
        fixed(x, places: 2)
    }

    /// A plain decimal with `places` digits: `1234.50`.
    public static func fixed(_ x: Double, places: Int) -> String {
        guard let units = units(x, scale: pow10(places)) else { return "\(x)" }
        return digits(units, negative: x < 0 && units != 0, places: places, dropTrailingZeros: false)
    }

    /// |x|·scale rounded to a whole number, where that fits the digits written (below 9e15);
    /// nil otherwise (the number is then written as Swift prints it).
    private static func units(_ x: Double, scale: Double) -> Int64? {
        guard x.isFinite, abs(x) * scale < 9e15 else { return nil }
        return Int64((abs(x) * scale).rounded())
    }

    /// ``plain(_:)``'s text appended to `bytes`, with no `String` made on the way (a batch line
    /// holds hundreds of numbers).
    static func appendPlain(_ x: Double, to bytes: inout JSONBytes) {
        guard let units = units(x, scale: 100) else { return bytes.append(plain(x)) }
        withDigits(units, negative: x < 0 && units != 0, places: 2, dropTrailingZeros: false) { bytes.append($0) }
    }

    /// ``decimal(_:)``'s text appended to `bytes`.
    static func appendDecimal(_ x: Double, to bytes: inout JSONBytes) {
        guard let units = units(x, scale: 1e6) else { return bytes.append(decimal(x)) }
        withDigits(units, negative: x < 0 && units != 0, places: 6, dropTrailingZeros: true) { bytes.append($0) }
    }

    /// `units` with a decimal point `places` digits from the right (at least one digit before
    /// it), `-` first when `negative`; with `dropTrailingZeros`, the fraction's trailing zeros
    /// (and then the point) are left out. Written into one small buffer: money and shares are
    /// most of what a batch line holds, and building them from padded pieces was costly.
    static func digits(_ units: Int64, negative: Bool, places: Int, dropTrailingZeros: Bool) -> String {
        withDigits(units, negative: negative, places: places, dropTrailingZeros: dropTrailingZeros) {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// `body` on the bytes of ``digits(_:negative:places:dropTrailingZeros:)``.
    private static func withDigits<Result>(
        _ units: Int64, negative: Bool, places: Int, dropTrailingZeros: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        var units = units
        var places = places
        if dropTrailingZeros {
            while places > 0 && units % 10 == 0 {
                units /= 10
                places -= 1
            }
        }
        // Int64 has at most 19 digits; a sign, a point and a leading zero make 22 at most.
        let capacity = max(24, places + 4)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var i = capacity
            func put(_ byte: UInt8) {
                i -= 1
                buffer[i] = byte
            }
            for _ in 0..<places {
                put(UInt8(ascii: "0") + UInt8(units % 10))
                units /= 10
            }
            if places > 0 { put(UInt8(ascii: ".")) }
            repeat {
                put(UInt8(ascii: "0") + UInt8(units % 10))
                units /= 10
            } while units > 0
            if negative { put(UInt8(ascii: "-")) }
            return body(UnsafeBufferPointer(rebasing: buffer[i...]))
        }
    }

    /// Shares with up to 6 decimals, trailing zeros dropped: `3.5`, `14.56`, `10`; the same in
    /// every command and format.
    public static func formatShares(_ x: Double) -> String {
        decimal(x)
    }

    /// A number with up to 6 decimals, trailing zeros dropped (as shares): a rate's `35`, a
    /// fraction's `0.123457`, a band's `2.5` points.
    public static func decimal(_ x: Double) -> String {
        guard let units = units(x, scale: 1e6) else { return withoutTrailingZeros("\(x)") }
        return digits(units, negative: x < 0 && units != 0, places: 6, dropTrailingZeros: true)
    }

    /// `1.500` → `1.5`, `2.0` → `2`; left alone without a point or with an exponent.
    static func withoutTrailingZeros(_ text: String) -> String {
        let bytes = text.utf8
        guard bytes.contains(UInt8(ascii: ".")), !bytes.contains(UInt8(ascii: "e")) else { return text }
        var s = Substring(text)
        while s.last == "0" { s.removeLast() }
        if s.last == "." { s.removeLast() }
        return String(s)
    }

    /// `12.34%` of a fraction.
    public static func percent(_ fraction: Double, places: Int = 2) -> String {
        fixed(fraction * 100, places: places) + "%"
    }

    private static func pow10(_ n: Int) -> Double {
        (0..<n).reduce(1.0) { r, _ in r * 10 }
    }

    static func grouped(_ n: Int64) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
