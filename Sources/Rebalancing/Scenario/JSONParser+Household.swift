/// A typical household in JSON read straight into a ``Scenario``, with no ``Document`` tree and no
/// field paths in between: what a batch line nearly always is (a name, asOf, tax, prices, a pie
/// with sub-pies, accounts with cash, flows, lots and their own pies).
///
/// It reads only that, and gives up (nil) on anything else: another key (`washSale`,
/// `recentSales`, `strategies`, `canBuy`, `alternates`), a key written twice, a value of another
/// kind (an id written as a number, a null), an escape in a key, a value the reader refuses or
/// reports (blank text, a rate above 1, weights not summing to 100 in millionths). The caller
/// then reads the text the full way (``Document`` and ``ScenarioReader``), which names every
/// problem with its field path. What it returns is what ``ScenarioReader`` makes of the same
/// text: the same values, defaults and settings given, in the same order.
extension JSONParser {
    /// The scenario of `bytes`, or nil where the full reader must read them.
    static func typicalScenario(_ bytes: [UInt8]) -> Scenario? {
        reading(bytes) { parser in
            do {
                parser.skipSpace()
                let scenario = try parser.typicalScenario()
                parser.skipSpace()
                return parser.i == parser.bytes.count ? scenario : nil
            } catch {
                return nil
            }
        }
    }

    /// Anything the typical reader leaves to the full one.
    private struct Unusual: Error {}

    private mutating func typicalScenario() throws -> Scenario {
        var name: String?, asOf: Day?, tax: TaxSettings?, prices: [String: Double]?, pie: Pie?, accounts: [Account]?
        try members { p, key in
            switch key {
            case "name" where name == nil: name = try p.text()
            case "asOf" where asOf == nil: asOf = try p.day()
            case "tax" where tax == nil: tax = try p.taxSettings()
            case "prices" where prices == nil: prices = try p.priceTable()
            case "pie" where pie == nil: pie = try p.pie()
            case "accounts" where accounts == nil: accounts = try p.elements { p in try p.account() }
            default: throw Unusual()
            }
        }
        guard let asOf, let prices, let accounts, !accounts.isEmpty else { throw Unusual() }
        return Scenario(name: name, asOf: asOf, tax: tax ?? TaxSettings(), prices: prices, pie: pie, accounts: accounts)
    }

    private mutating func taxSettings() throws -> TaxSettings {
        var tax = TaxSettings()
        var seen = Set<String>()
        try members { p, key in
            guard seen.insert(key.text).inserted else { throw Unusual() }
            switch key {
            case "shortTermRate": tax.shortTermRate = try p.number(.fraction)
            case "longTermRate": tax.longTermRate = try p.number(.fraction)
            case "realizedThisYear": tax.realizedThisYear = try p.termAmounts(.any)
            case "carryforwardLoss": tax.carryforwardLoss = try p.termAmounts(.nonNegative)
            case "ordinaryOffsetLimit": tax.ordinaryOffsetLimit = try p.number(.nonNegative)
            case "tradingCost": tax.tradingCost = try p.number(.fraction)
            default: throw Unusual()
            }
        }
        return tax
    }

    private mutating func termAmounts(_ rule: ScenarioReader.NumberRule) throws -> TermAmounts {
        var shortTerm: Double?, longTerm: Double?
        try members { p, key in
            switch key {
            case "shortTerm" where shortTerm == nil: shortTerm = try p.number(rule)
            case "longTerm" where longTerm == nil: longTerm = try p.number(rule)
            default: throw Unusual()
            }
        }
        return TermAmounts(shortTerm: shortTerm ?? 0, longTerm: longTerm ?? 0)
    }

    private mutating func priceTable() throws -> [String: Double] {
        var prices: [String: Double] = [:]
        try members { p, key in
            let symbol = key.text
            guard prices[symbol] == nil else { throw Unusual() }
            prices[symbol] = try p.number(.positive)
        }
        return prices
    }

    /// A household's or an account's pie: a name and slices.
    private mutating func pie() throws -> Pie {
        let read = try slice(depth: 1)
        guard case .pie(let pie) = read.content, read.weight == nil else { throw Unusual() }
        return pie
    }

    /// A slice: a leaf (symbol and weight) or a sub-pie (name, weight and slices); at `depth` 1
    /// without a weight, the pie itself.
    private mutating func slice(depth: Int) throws -> (content: Slice.Content, weight: Double?, weightText: Range<Int>?) {
        var name: String?, symbol: String?, weight: (value: Double, text: Range<Int>)?, slices: [Slice]?
        try members { p, key in
            switch key {
            case "name" where name == nil: name = try p.text()
            case "symbol" where symbol == nil: symbol = try p.text()
            case "weight" where weight == nil: weight = try p.numberWithText(.positive)
            case "slices" where slices == nil: slices = try p.slices(depth: depth + 1)
            default: throw Unusual()
            }
        }
        switch (symbol, slices) {
        case (let symbol?, nil):
            guard name == nil, let weight else { throw Unusual() }
            return (.symbol(symbol), weight.value, weight.text)
        case (nil, let slices?):
            return (.pie(Pie(name: name, slices: slices)), weight?.value, weight?.text)
        default:
            throw Unusual()
        }
    }

    /// A pie's slices, whose weights sum to 100 within 0.01 counted exactly in millionths (as
    /// ``ScenarioReader`` counts them first).
    private mutating func slices(depth: Int) throws -> [Slice] {
        guard depth - 1 <= ScenarioReader.maxPieDepth else { throw Unusual() }
        var sum: Int64 = 0
        let slices = try elements { p -> Slice in
            let slice = try p.slice(depth: depth)
            guard let weight = slice.weight, let text = slice.weightText,
                let millionths = ScenarioReader.millionths(String(decoding: p.bytes[text], as: UTF8.self))
            else { throw Unusual() }
            sum += millionths
            return Slice(weight: weight, content: slice.content)
        }
        guard !slices.isEmpty, abs(sum - 100_000_000) <= 10_000 else { throw Unusual() }
        return slices
    }

    private mutating func account() throws -> Account {
        var id: String?, type: AccountType?, cash: Double?, flow: Double?, minCash: Double?, wholeShares: Bool?,
            minTrade: Double?, lots: [Lot]?, pie: Pie?
        try members { p, key in
            switch key {
            case "id" where id == nil: id = try p.text()
            case "type" where type == nil:
                guard let t = AccountType(rawValue: try p.text()) else { throw Unusual() }
                type = t
            case "cash" where cash == nil: cash = try p.number(.nonNegative)
            case "flow" where flow == nil: flow = try p.number(.any)
            case "minCash" where minCash == nil: minCash = try p.number(.nonNegative)
            case "wholeShares" where wholeShares == nil: wholeShares = try p.bool()
            case "minTrade" where minTrade == nil: minTrade = try p.number(.nonNegative)
            case "lots" where lots == nil: lots = try p.elements { p in try p.lot() }
            case "pie" where pie == nil: pie = try p.pie()
            default: throw Unusual()
            }
        }
        guard let id, let type else { throw Unusual() }
        return Account(
            id: id, type: type, cash: cash ?? 0, flow: flow ?? 0, minCash: minCash ?? 0, lots: lots ?? [], pie: pie,
            wholeShares: wholeShares ?? false, minTrade: minTrade ?? 0)
    }

    private mutating func lot() throws -> Lot {
        var id: String?, symbol: String?, shares: Double?, costBasis: Double?, acquired: Day?, doNotSell: Bool?
        try members { p, key in
            switch key {
            case "symbol" where symbol == nil: symbol = try p.text()
            case "shares" where shares == nil: shares = try p.number(.positive)
            case "costBasis" where costBasis == nil: costBasis = try p.number(.nonNegative)
            case "acquired" where acquired == nil: acquired = try p.day()
            case "id" where id == nil: id = try p.text()
            case "doNotSell" where doNotSell == nil: doNotSell = try p.bool()
            default: throw Unusual()
            }
        }
        guard let symbol, let shares, let costBasis, let acquired else { throw Unusual() }
        return Lot(id: id, symbol: symbol, shares: shares, costBasis: costBasis, acquired: acquired, doNotSell: doNotSell ?? false)
    }

    // MARK: Values

    private func at(_ byte: UInt8) -> Bool { i < bytes.count && bytes[i] == byte }

    /// A key as written, without an escape: compared with the names of a `switch` without
    /// making a string of it.
    private struct PlainKey {
        let utf8: Swift.Slice<UnsafeBufferPointer<UInt8>>
        var text: String { String(decoding: utf8, as: UTF8.self) }

        /// Byte by byte on the pointers (a generic `elementsEqual` cost some 40 instructions a
        /// case, and a lot's keys try a few cases each).
        static func ~= (name: StaticString, key: PlainKey) -> Bool {
            let n = name.utf8CodeUnitCount
            guard name.hasPointerRepresentation, n == key.utf8.count else { return false }
            let a = name.utf8Start, b = UnsafeBufferPointer(rebasing: key.utf8)
            for k in 0..<n where a[k] != b[k] { return false }
            return true
        }
    }

    /// The bytes of the string at the parser when it has no escape (the parser after it).
    private mutating func plainString() throws -> Range<Int> {
        guard at(UInt8(ascii: "\"")) else { throw Unusual() }
        let start = i + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { throw Unusual() }
        i = end + 1
        return start..<end
    }

    /// An object: `member` reads the value of each key (the parser at it).
    private mutating func members(_ member: (inout JSONParser, PlainKey) throws -> Void) throws {
        guard at(UInt8(ascii: "{")) else { throw Unusual() }
        i += 1
        skipSpace()
        if at(UInt8(ascii: "}")) {
            i += 1
            return
        }
        while true {
            skipSpace()
            let key = PlainKey(utf8: bytes[try plainString()])
            skipSpace()
            guard at(UInt8(ascii: ":")) else { throw Unusual() }
            i += 1
            skipSpace()
            try member(&self, key)
            skipSpace()
            if at(UInt8(ascii: ",")) {
                i += 1
            } else if at(UInt8(ascii: "}")) {
                i += 1
                return
            } else {
                throw Unusual()
            }
        }
    }

    /// An array: `element` reads each element (the parser at it).
    private mutating func elements<T>(_ element: (inout JSONParser) throws -> T) throws -> [T] {
        guard at(UInt8(ascii: "[")) else { throw Unusual() }
        i += 1
        var out: [T] = []
        skipSpace()
        if at(UInt8(ascii: "]")) {
            i += 1
            return out
        }
        while true {
            skipSpace()
            out.append(try element(&self))
            skipSpace()
            if at(UInt8(ascii: ",")) {
                i += 1
            } else if at(UInt8(ascii: "]")) {
                i += 1
                return out
            } else {
                throw Unusual()
            }
        }
    }

    /// A string that is not blank (with escapes: left to the full reader).
    private mutating func text() throws -> String {
        let text = try plainString()
        guard bytes[text].contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { throw Unusual() }
        return String(decoding: bytes[text], as: UTF8.self)
    }

    private mutating func day() throws -> Day {
        let text = try plainString()
        guard let day = Day(utf8: UnsafeBufferPointer(rebasing: bytes[text])) else { throw Unusual() }
        return day
    }

    private mutating func bool() throws -> Bool {
        if at(UInt8(ascii: "t")), (try? literal("true")) != nil { return true }
        if at(UInt8(ascii: "f")), (try? literal("false")) != nil { return false }
        throw Unusual()
    }

    private mutating func number(_ rule: ScenarioReader.NumberRule) throws -> Double {
        try numberWithText(rule).value
    }

    /// A number ``ScenarioReader`` accepts under `rule` without a word, and where its text is.
    private mutating func numberWithText(_ rule: ScenarioReader.NumberRule) throws -> (value: Double, text: Range<Int>) {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]),
            let number = try? readNumber(), number.value.isFinite, abs(number.value) <= ScenarioReader.largestNumber
        else { throw Unusual() }
        let x = number.value
        let accepted =
            switch rule {
            case .any: true
            case .positive: x >= ScenarioReader.smallestPositive
            case .nonNegative: x >= 0
            case .fraction: (0...1).contains(x)
            }
        guard accepted else { throw Unusual() }
        return number
    }
}
