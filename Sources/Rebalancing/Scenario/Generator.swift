/// Synthetic households for stress tests and benchmarks. The same seed gives the same households.
///
/// Two profiles: ``Profile/standard`` (account types, nested pies, lots of varied ages and gains,
/// losses, recent purchases, deposits and withdrawals, all drawn at random) and
/// ``Profile/directIndexing`` (one realistic direct-indexing household: see
/// DirectIndexingGenerator.swift).
public struct Generator: Sendable {
    /// What kind of household to make.
    public enum Profile: String, Sendable, CaseIterable {
        /// Random households of every shape (the profile `generate` has always had).
        case standard = "default"
        /// A direct-indexing household: `symbols` stocks bought monthly in a taxable account,
        /// two funds in an IRA and a Roth.
        case directIndexing = "direct-indexing"
    }

    public var symbols: Int
    public var lots: Int
    public var seed: UInt64
    public var profile: Profile
    public var asOf: Day = Day(year: 2026, month: 11, day: 20)!

    public init(symbols: Int = 8, lots: Int = 60, seed: UInt64 = 1, profile: Profile = .standard) {
        self.symbols = max(1, symbols)
        self.lots = max(0, lots)
        self.seed = seed
        self.profile = profile
    }

    static let tickers = [
        "VTI", "VXUS", "BND", "BNDX", "VOO", "QQQ", "VNQ", "SCHD", "VGT", "IEMG", "TIP", "VB", "VO", "VEA", "VWO",
        "AGG", "IJR", "IWM", "VYM", "VIG", "MUB", "SHY", "IEF", "TLT", "GLD", "AAPL", "MSFT", "NVDA", "AMZN",
        "GOOGL", "META", "BRK.B", "JPM", "V", "UNH", "XOM", "JNJ", "PG", "HD", "COST",
    ]

    /// Household number `index` (0-based): independent of every other, so shards can make their own.
    public func household(_ index: Int) -> Scenario {
        if profile == .directIndexing { return directIndexingHousehold(index) }
        var rng = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let names = (0..<symbols).map { $0 < Self.tickers.count && symbols <= Self.tickers.count ? Self.tickers[$0] : "S\(zeroPadded4($0))" }
        var prices: [String: Double] = [:]
        for name in names { prices[name] = Double(rng.int(in: 2000...60000)) / 100 }

        // Accounts: a taxable one usually, then tax-deferred and tax-exempt ones.
        let accountCount = symbols >= 200 ? 4 : rng.int(in: 1...4)
        let types: [AccountType] = (0..<accountCount).map { i in
            i == 0 ? (rng.chance(0.85) ? .taxable : .taxDeferred) : [.taxable, .taxDeferred, .taxExempt][rng.int(in: 0...2)]
        }
        let ownPie = (0..<accountCount).map { i in i > 0 && rng.chance(0.1) }
        var accounts: [Account] = types.enumerated().map { i, type in
            Account(id: "\(type.rawValue)-\(i + 1)", type: type, cash: Double(rng.int(in: 0...500_000)) / 100)
        }

        // Lots: spread over accounts and symbols, ages up to 12 years, 5% within 30 days.
        for l in 0..<lots {
            let a = l < accountCount ? l : rng.int(in: 0..<accountCount)
            let symbol = names[l < names.count ? l : rng.int(in: 0..<names.count)]
            let price = prices[symbol]!
            let shares = Double(rng.int(in: 1...20_000)) / 100
            let age = rng.chance(0.05) ? rng.int(in: 0...30) : rng.int(in: 31...4380)
            let basisPerShare = price * Double(rng.int(in: 30...150)) / 100
            let acquired = Day(ordinal: asOf.ordinal - age)
            let id: String? = rng.chance(0.3) ? "L\(index)-\(l)" : nil
            accounts[a].lots.append(
                Lot(id: id, symbol: symbol, shares: shares, costBasis: (basisPerShare * shares * 100).rounded() / 100, acquired: acquired))
        }

        // Flows: deposits and withdrawals no larger than half of what the account holds.
        for a in accounts.indices {
            let holdings = accounts[a].lots.reduce(0) { $0 + prices[$1.symbol]! * $1.shares }
            if rng.chance(0.2) { accounts[a].flow = Double(rng.int(in: 100...10_000)) }
            else if rng.chance(0.1), holdings > 1000 { accounts[a].flow = -(holdings * Double(rng.int(in: 5...50)) / 100).rounded() }
            if rng.chance(0.3) { accounts[a].minCash = Double(rng.int(in: 0...200)) }
            let available = accounts[a].cash + accounts[a].flow + holdings
            if available < accounts[a].minCash { accounts[a].minCash = 0 }
            if available < 0 { accounts[a].flow = -(accounts[a].cash + holdings) }
            if ownPie[a] { accounts[a].pie = Self.pie(names, &rng, depth: 0) }
        }
        // Keep every group's investable value positive.
        if accounts.allSatisfy({ $0.pie != nil }) { accounts[0].pie = nil }
        for a in accounts.indices where accounts[a].lots.isEmpty && accounts[a].cash + accounts[a].flow <= accounts[a].minCash {
            accounts[a].cash += 1000
        }

        var tax = TaxSettings()
        if rng.chance(0.3) {
            tax.realizedThisYear = TermAmounts(
                shortTerm: Double(rng.int(in: -5000...5000)), longTerm: Double(rng.int(in: -5000...20000)))
        }
        if rng.chance(0.2) { tax.carryforwardLoss = TermAmounts(shortTerm: Double(rng.int(in: 0...3000)), longTerm: Double(rng.int(in: 0...10000))) }
        return Scenario(
            name: "Household \(index + 1)", asOf: asOf, tax: tax, prices: prices, pie: Self.pie(names, &rng, depth: 0),
            accounts: accounts)
    }

    /// A pie over some of `names`: sub-pies nest up to 3 levels; integer weights summing to 100.
    static func pie(_ names: [String], _ rng: inout SplitMix64, depth: Int) -> Pie {
        let pool = names.count <= 12 ? names : Array(names.shuffled(using: &rng).prefix(names.count))
        if depth < 2 && pool.count >= 4 && rng.chance(0.7) {
            let parts = min(pool.count / 2, rng.int(in: 2...3))
            let size = pool.count / parts
            let weights = integerWeights(parts, &rng)
            let slices = (0..<parts).map { p in
                let members = Array(pool[(p * size)..<(p == parts - 1 ? pool.count : (p + 1) * size)])
                return Slice(weight: weights[p], content: .pie(pie(members, &rng, depth: depth + 1)))
            }
            return Pie(name: depth == 0 ? "Core" : "Sleeve", slices: slices)
        }
        let weights = integerWeights(pool.count, &rng)
        return Pie(slices: zip(pool, weights).map { Slice(weight: $1, content: .symbol($0)) })
    }

    /// `count` positive integer weights summing to 100 (or fractional ones when count > 100).
    static func integerWeights(_ count: Int, _ rng: inout SplitMix64) -> [Double] {
        guard count <= 100 else {
            let each = 100 / Double(count)
            return (0..<count).map { $0 == count - 1 ? 100 - each * Double(count - 1) : each }
        }
        var raw = (0..<count).map { _ in Double(rng.int(in: 1...10)) }
        let total = raw.reduce(0, +)
        raw = raw.map { max(1, ($0 / total * 100).rounded(.down)) }
        var sum = raw.reduce(0, +)
        var i = 0
        while sum != 100 {
            if sum < 100 { raw[i % count] += 1; sum += 1 } else if raw[i % count] > 1 { raw[i % count] -= 1; sum -= 1 }
            i += 1
        }
        return raw
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func int(in range: Range<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

extension Day {
    /// The day `ordinal` days after 1970-01-01 (Howard Hinnant's civil-from-days).
    public init(ordinal: Int) {
        let z = ordinal + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.year = y
        self.month = m
        self.day = d
    }
}

/// `n` padded with zeros to 4 digits.
func zeroPadded4(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
