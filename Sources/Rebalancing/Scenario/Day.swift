/// A calendar date (proleptic Gregorian), as scenario files write it: `YYYY-MM-DD`.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses exactly `YYYY-MM-DD` with a real month and day; nil otherwise.
    public init?(_ text: String) {
        var text = text
        guard let day = text.withUTF8({ Day(utf8: $0) }) else { return nil }
        self = day
    }

    /// Parses exactly `YYYY-MM-DD` written in UTF-8 (ASCII digits), as ``init(_:)`` parses text.
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var n = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                n = n * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's days-from-civil algorithm.
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(to other: Day) -> Int { other.ordinal - ordinal }

    /// The day `n` days later (earlier for negative `n`), by Hinnant's civil-from-days algorithm.
    public func adding(days n: Int) -> Day {
        let z = ordinal + n + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return Day(year: y, month: m, day: d) ?? self
    }

    /// The same month and day one year later; 29 February becomes 28 February.
    public var oneYearLater: Day {
        let y = year + 1
        let d = min(day, Day.daysIn(month: month, year: y))
        return Day(year: y, month: month, day: d) ?? self
    }

    /// For a lot acquired on this day, the first date on which it is long-term: the day after
    /// the same month and day one year later (29 February counting as 28 February).
    public var longTermOn: Day { oneYearLater.adding(days: 1) }

    public static func < (a: Day, b: Day) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// `YYYY-MM-DD` (the year is 1...9999), written digit by digit: output writes a date per
    /// sold lot, and interpolating padded strings cost most of a batch line's formatting.
    public var description: String {
        String(unsafeUninitializedCapacity: Day.textLength) { out in
            writeText { out[$0] = $1 }
            return Day.textLength
        }
    }

    /// The length of ``description``.
    static let textLength = 10

    /// ``description``'s bytes, each given to `put` with its offset (0..<10): the one place the
    /// date's text is written (a JSON line writes it straight into its buffer).
    @inline(__always)
    func writeText(_ put: (Int, UInt8) -> Void) {
        func digits(_ n: Int, endingAt end: Int, width: Int) {
            var n = n
            for k in stride(from: end - 1, through: end - width, by: -1) {
                put(k, UInt8(ascii: "0") + UInt8(n % 10))
                n /= 10
            }
        }
        digits(year, endingAt: 4, width: 4)
        put(4, UInt8(ascii: "-"))
        digits(month, endingAt: 7, width: 2)
        put(7, UInt8(ascii: "-"))
        digits(day, endingAt: 10, width: 2)
    }
}
