/// One household, as read from a scenario file (MODEL §1) and validated.
public struct Scenario: Sendable {
    public var name: String?
    /// The trade date: holding periods are measured to it.
    public var asOf: Day
    public var tax: TaxSettings
    /// Price per share, by symbol.
    public var prices: [String: Double]
    /// The household target: every account without its own pie.
    public var pie: Pie?
    public var accounts: [Account]
    /// What `compare` runs when not told otherwise.
    public var strategies: [Strategy]?

    public init(
        name: String? = nil, asOf: Day, tax: TaxSettings = TaxSettings(), prices: [String: Double],
        pie: Pie?, accounts: [Account], strategies: [Strategy]? = nil
    ) {
        self.name = name
        self.asOf = asOf
        self.tax = tax
        self.prices = prices
        self.pie = pie
        self.accounts = accounts
        self.strategies = strategies
    }
}

/// Short- and long-term amounts.
public struct TermAmounts: Sendable, Equatable {
    public var shortTerm: Double
    public var longTerm: Double
    public init(shortTerm: Double = 0, longTerm: Double = 0) {
        self.shortTerm = shortTerm
        self.longTerm = longTerm
    }
}

public struct TaxSettings: Sendable, Equatable {
    public var shortTermRate: Double = 0.35
    public var longTermRate: Double = 0.15
    /// Net gains already realized this year (may be negative).
    public var realizedThisYear = TermAmounts()
    /// Losses carried in from earlier years (non-negative).
    public var carryforwardLoss = TermAmounts()
    /// Net loss deductible against ordinary income.
    public var ordinaryOffsetLimit: Double = 3000
    public init() {}
}

/// A pie of target weights (percent), nested without limit.
public struct Pie: Sendable {
    public var name: String?
    public var slices: [Slice]
    public init(name: String? = nil, slices: [Slice]) {
        self.name = name
        self.slices = slices
    }

    /// The target fraction of every symbol: the product of weight/100 along the path to each
    /// leaf, summed over leaves naming the same symbol.
    public var targetFractions: [String: Double] {
        var out: [String: Double] = [:]
        func walk(_ pie: Pie, _ factor: Double) {
            for slice in pie.slices {
                let f = factor * slice.weight / 100
                switch slice.content {
                case .symbol(let symbol): out[symbol, default: 0] += f
                case .pie(let inner): walk(inner, f)
                }
            }
        }
        walk(self, 1)
        return out
    }
}

public struct Slice: Sendable {
    public enum Content: Sendable {
        case symbol(String)
        case pie(Pie)
    }
    /// Percent of the enclosing pie.
    public var weight: Double
    public var content: Content
    public init(weight: Double, content: Content) {
        self.weight = weight
        self.content = content
    }
}

public enum AccountType: String, Sendable, CaseIterable {
    case taxable, taxDeferred, taxExempt
}

public struct Account: Sendable {
    public var id: String
    public var type: AccountType
    /// Uninvested cash now.
    public var cash: Double
    /// Deposit (> 0) or withdrawal (< 0) settled now.
    public var flow: Double
    /// Cash to keep after trading.
    public var minCash: Double
    public var lots: [Lot]
    /// The account's own pie: it is then rebalanced on its own.
    public var pie: Pie?

    public init(
        id: String, type: AccountType, cash: Double = 0, flow: Double = 0, minCash: Double = 0,
        lots: [Lot] = [], pie: Pie? = nil
    ) {
        self.id = id
        self.type = type
        self.cash = cash
        self.flow = flow
        self.minCash = minCash
        self.lots = lots
        self.pie = pie
    }
}

public struct Lot: Sendable {
    public var id: String?
    public var symbol: String
    public var shares: Double
    /// Total dollars paid for the lot.
    public var costBasis: Double
    public var acquired: Day

    public init(id: String? = nil, symbol: String, shares: Double, costBasis: Double, acquired: Day) {
        self.id = id
        self.symbol = symbol
        self.shares = shares
        self.costBasis = costBasis
        self.acquired = acquired
    }
}
