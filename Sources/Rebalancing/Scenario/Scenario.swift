/// One household, as read from a scenario file (docs/scenario-format.md) and validated.
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
    /// Sales at a loss in the 30 days before `asOf`: each blocks buying its identical group.
    public var recentSales: [RecentSale]
    /// Groups of substantially identical securities (`washSale.identical`); a symbol is in at most one.
    public var identicalGroups: [[String]]

    public init(
        name: String? = nil, asOf: Day, tax: TaxSettings = TaxSettings(), prices: [String: Double],
        pie: Pie?, accounts: [Account], strategies: [Strategy]? = nil, recentSales: [RecentSale] = [],
        identicalGroups: [[String]] = []
    ) {
        self.name = name
        self.asOf = asOf
        self.tax = tax
        self.prices = prices
        self.pie = pie
        self.accounts = accounts
        self.strategies = strategies
        self.recentSales = recentSales
        self.identicalGroups = identicalGroups
    }

    /// The symbols substantially identical to `symbol` (docs/strategies.md), itself included, sorted: the
    /// one definition the look-back, the repurchase blocks, the wash-sale guard and the notes use:
    /// its `washSale.identical` group, or the symbol alone.
    public func identicalGroup(of symbol: String) -> [String] {
        (identicalGroups.first { $0.contains(symbol) } ?? [symbol]).sorted()
    }

    /// The repurchase blocks of the recent sales, one per symbol sold: buying any member of
    /// its identical group before `until` (the latest sale of it + 31 days) would disallow the
    /// loss. Sorted by symbol.
    public var blocks: [Block] {
        var until: [String: Day] = [:]
        for sale in recentSales {
            let end = sale.sold.adding(days: RecentSale.blockDays)
            if let seen = until[sale.symbol], seen >= end { continue }
            until[sale.symbol] = end
        }
        return until.keys.sorted().compactMap { symbol in
            let end = until[symbol]!
            return end > asOf ? Block(symbol: symbol, members: identicalGroup(of: symbol), until: end) : nil
        }
    }

    /// Every symbol no account may buy now, with the first day it may be bought again.
    public var blockedSymbols: [String: Day] {
        var out: [String: Day] = [:]
        for block in blocks {
            for member in block.members where (out[member].map { $0 < block.until } ?? true) {
                out[member] = block.until
            }
        }
        return out
    }
}

/// A sale at a loss shortly before `asOf` (docs/scenario-format.md `recentSales`).
public struct RecentSale: Sendable, Equatable {
    public var account: String
    public var symbol: String
    public var shares: Double
    /// The loss realized, in dollars (≥ 0).
    public var loss: Double
    public var sold: Day

    /// A sale blocks repurchases until this many days after it (the 30-day window is over then).
    public static let blockDays = 31
    /// A recent sale is one at most this many days before `asOf`.
    public static let windowDays = 30

    public init(account: String, symbol: String, shares: Double, loss: Double, sold: Day) {
        self.account = account
        self.symbol = symbol
        self.shares = shares
        self.loss = loss
        self.sold = sold
    }
}

/// An identical group that may not be bought before `until`, because `symbol` was sold at a loss.
public struct Block: Sendable, Equatable {
    public let symbol: String
    public let members: [String]
    public let until: Day
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
    /// The settings of the scenario's `tax` mapping, by key.
    public enum Key: String, Sendable, CaseIterable {
        case shortTermRate, longTermRate, realizedThisYear, carryforwardLoss, ordinaryOffsetLimit, tradingCost
    }

    /// The settings that were set (by the scenario file, or in code); the others are defaults.
    /// Reports say which values they assumed by default.
    public private(set) var given: Set<Key> = []

    public var shortTermRate: Double = 0.35 { didSet { given.insert(.shortTermRate) } }
    public var longTermRate: Double = 0.15 { didSet { given.insert(.longTermRate) } }
    /// Net gains already realized this year (may be negative).
    public var realizedThisYear = TermAmounts() { didSet { given.insert(.realizedThisYear) } }
    /// Losses carried in from earlier years (non-negative).
    public var carryforwardLoss = TermAmounts() { didSet { given.insert(.carryforwardLoss) } }
    /// Net loss deductible against ordinary income.
    public var ordinaryOffsetLimit: Double = 3000 { didSet { given.insert(.ordinaryOffsetLimit) } }
    /// Cost per dollar traded, charged in the harvest stage only (a fraction of the trade).
    public var tradingCost: Double = TaxSettings.defaultTradingCost { didSet { given.insert(.tradingCost) } }
    public static let defaultTradingCost = 0.001
    public init() {}

    /// Whether `key` holds its default because nothing set it.
    public func isDefault(_ key: Key) -> Bool { !given.contains(key) }
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

    /// The pie's classes (its leaves' symbols with their alternates), one per distinct leaf
    /// symbol in the order first written: a symbol that is the `symbol` of several leaves gets
    /// the sum of their weights and the alternates of them all. A symbol already in a class is
    /// not added to another (the validator refuses such a pie).
    public var classes: [PieClass] {
        var walk = ClassWalk(capacity: slices.count)
        walk.add(self, 1)
        return walk.classes.map { PieClass(symbol: $0.symbol, alternates: $0.alternates, target: $0.target) }
    }
}

/// ``Pie/classes``'s walk through a pie and its sub-pies, its state passed along rather than
/// captured (a nested function calling itself boxed every variable it captured).
private struct ClassWalk {
    var classes: [(symbol: String, alternates: [String], target: Double)] = []
    // The index in `classes` of each leaf symbol, and the alternates some class took.
    var classIndex: [String: Int]
    var alternatesTaken = Set<String>()

    init(capacity: Int) {
        classIndex = [String: Int](minimumCapacity: capacity)
        classes.reserveCapacity(capacity)
    }

    mutating func add(_ pie: Pie, _ factor: Double) {
        for slice in pie.slices {
            let f = factor * slice.weight / 100
            switch slice.content {
            case .symbol(let symbol):
                let c: Int
                if let found = classIndex[symbol] {
                    c = found
                } else {
                    c = classes.count
                    classIndex[symbol] = c
                    classes.append((symbol, [], 0))
                }
                classes[c].target += f
                for alternate in slice.alternates
                where classIndex[alternate] == nil && alternatesTaken.insert(alternate).inserted {
                    classes[c].alternates.append(alternate)
                }
            case .pie(let inner): add(inner, f)
            }
        }
    }
}

/// A class of a pie (docs/scenario-format.md): a leaf's `symbol` and its `alternates`. Holdings of any member
/// fill the class's target, and purchases may go to any member.
public struct PieClass: Sendable, Equatable {
    /// The leaf's symbol, which names the class.
    public let symbol: String
    /// The other members, as written (no duplicates, never `symbol`).
    public let alternates: [String]
    /// The target fraction: the product of weight/100 along the path to the leaf (summed over
    /// leaves naming the same symbol).
    public let target: Double
    /// `symbol` first, then the alternates.
    public var members: [String] { [symbol] + alternates }
}

public struct Slice: Sendable {
    public enum Content: Sendable {
        case symbol(String)
        case pie(Pie)
    }
    /// Percent of the enclosing pie.
    public var weight: Double
    public var content: Content
    /// A leaf's alternates: other symbols that fill its target (its class, docs/scenario-format.md). Empty
    /// for a sub-pie.
    public var alternates: [String]
    public init(weight: Double, content: Content, alternates: [String] = []) {
        self.weight = weight
        self.content = content
        self.alternates = alternates
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
    /// The only symbols the account may buy (a 401k's fund menu); nil: any symbol its pie targets.
    public var canBuy: [String]?
    /// Trades whole shares only: each symbol's purchase is a whole number of shares, and its sale
    /// too unless the sale closes every lot of the symbol the account may sell.
    public var wholeShares: Bool
    /// Dollars: each symbol the account buys, and each it sells, moves 0 or at least this much.
    public var minTrade: Double

    public init(
        id: String, type: AccountType, cash: Double = 0, flow: Double = 0, minCash: Double = 0,
        lots: [Lot] = [], pie: Pie? = nil, canBuy: [String]? = nil, wholeShares: Bool = false, minTrade: Double = 0
    ) {
        self.id = id
        self.type = type
        self.cash = cash
        self.flow = flow
        self.minCash = minCash
        self.lots = lots
        self.pie = pie
        self.canBuy = canBuy
        self.wholeShares = wholeShares
        self.minTrade = minTrade
    }

    /// Whether the account's orders must be executable: whole shares or a minimum trade.
    public var hasOrderRules: Bool { wholeShares || minTrade > 0 }

    /// Whether the account may buy `symbol` under its `canBuy` menu.
    public func mayBuy(_ symbol: String) -> Bool { canBuy?.contains(symbol) ?? true }
}

public struct Lot: Sendable {
    public var id: String?
    public var symbol: String
    public var shares: Double
    /// Total dollars paid for the lot.
    public var costBasis: Double
    public var acquired: Day
    /// Never sold by any strategy or baseline.
    public var doNotSell: Bool

    public init(
        id: String? = nil, symbol: String, shares: Double, costBasis: Double, acquired: Day, doNotSell: Bool = false
    ) {
        self.id = id
        self.symbol = symbol
        self.shares = shares
        self.costBasis = costBasis
        self.acquired = acquired
        self.doNotSell = doNotSell
    }
}
