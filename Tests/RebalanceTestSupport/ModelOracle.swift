import Foundation
import Rebalancing

// MARK: - The model written again

/// docs/strategies.md (groups, targets, terms, rates, look-back, misallocation) and docs/tax-model.md (the tax
/// estimate), computed from the scenario alone with none of Rebalancing's code.
public struct ModelOracle {
    public struct LotFacts {
        public let account: Int
        public let index: Int
        public let id: String?
        public let symbol: String
        public let shares: Double
        public let price: Double
        public let acquired: Day
        public let gainPerShare: Double
        public let isTaxable: Bool
        public let isLongTerm: Bool
        public let isLookBack: Bool
        public let rate: Double
        public let where_: String
    }

    public struct GroupFacts {
        public let accounts: [Int]
        /// Target fraction by class, named by its leaf's symbol.
        public let targets: [String: Double]
        /// The class (its leaf's symbol) of every symbol of the pie: a leaf's symbol and its
        /// alternates (docs/scenario-format.md). A symbol not listed is a class of its own with target 0.
        public let classOf: [String: String]
        public let held: Set<String>
        public let investable: Double
    }

    public struct Buy {
        public let account: Int
        public let symbol: String
        public let amount: Double
    }

    public struct Measures {
        public let misallocation: Double
        public let lotTax: Double
        public let estimatedTax: Double
        public let realizedShortTerm: Double
        public let realizedLongTerm: Double
        public let turnover: Double
        public let cashAfter: [Double]
        public let soldByAccount: [Double]
    }

    public let scenario: Scenario
    /// In household order: account by account, each account's lots in file order.
    public let lots: [LotFacts]
    public let groups: [GroupFacts]
    public let groupOf: [Int]
    public let totalInvestable: Double

    /// Agreement expected between the report and this recomputation: floating-point noise.
    public var moneyTolerance: Double { 1e-6 + 1e-10 * totalInvestable }
    /// docs/strategies.md's stage tolerance: 0.01 + 1e-7·Σ I_G.
    public var stageTolerance: Double { 0.01 + 1e-7 * totalInvestable }

    public init(_ scenario: Scenario) {
        self.scenario = scenario
        let asOf = scenario.asOf

        // Look-back: lots in any account acquired 30 days or fewer before asOf, by identical
        // group. A loss lot is caught by such a lot other than itself.
        func isRecent(_ lot: Lot) -> Bool { Self.days(from: lot.acquired, to: asOf) <= 30 }
        var recent: [String: Int] = [:]
        for account in scenario.accounts {
            for lot in account.lots where isRecent(lot) { recent[Self.identicalKey(scenario, lot.symbol), default: 0] += 1 }
        }

        var lots: [LotFacts] = []
        for (a, account) in scenario.accounts.enumerated() {
            for (l, lot) in account.lots.enumerated() {
                let price = scenario.prices[lot.symbol]!
                let g = price - lot.costBasis / lot.shares
                // Long-term iff asOf is later than the same month and day a year on (29 Feb → 28 Feb).
                let anniversaryDay = lot.acquired.month == 2 && lot.acquired.day == 29 ? 28 : lot.acquired.day
                let anniversary = (lot.acquired.year + 1, lot.acquired.month, anniversaryDay)
                let isLongTerm = (asOf.year, asOf.month, asOf.day) > anniversary
                let isTaxable = account.type == .taxable
                let isLookBack =
                    isTaxable && g < 0 && (recent[Self.identicalKey(scenario, lot.symbol)] ?? 0) - (isRecent(lot) ? 1 : 0) > 0
                let rate =
                    !isTaxable || isLookBack ? 0 : (isLongTerm ? scenario.tax.longTermRate : scenario.tax.shortTermRate)
                lots.append(
                    LotFacts(
                        account: a, index: l, id: lot.id, symbol: lot.symbol, shares: lot.shares, price: price,
                        acquired: lot.acquired, gainPerShare: g, isTaxable: isTaxable, isLongTerm: isLongTerm,
                        isLookBack: isLookBack, rate: rate, where_: "\(account.id)[\(l)] \(lot.symbol)"))
            }
        }
        self.lots = lots

        func targets(_ pie: Pie?) -> (targets: [String: Double], classOf: [String: String]) {
            var out: [String: Double] = [:]
            var classOf: [String: String] = [:]
            func walk(_ pie: Pie, _ factor: Double) {
                for slice in pie.slices {
                    switch slice.content {
                    case .symbol(let s):
                        out[s, default: 0] += factor * slice.weight / 100
                        classOf[s] = s
                        for alternate in slice.alternates { classOf[alternate] = s }
                    case .pie(let inner): walk(inner, factor * slice.weight / 100)
                    }
                }
            }
            if let pie { walk(pie, 1) }
            return (out, classOf)
        }
        func group(_ members: [Int], _ pie: Pie?) -> GroupFacts {
            var value = 0.0
            var held = Set<String>()
            for a in members {
                let account = scenario.accounts[a]
                value += account.cash + account.flow - account.minCash
                for lot in account.lots {
                    value += scenario.prices[lot.symbol]! * lot.shares
                    held.insert(lot.symbol)
                }
            }
            let (targets, classOf) = targets(pie)
            return GroupFacts(accounts: members, targets: targets, classOf: classOf, held: held, investable: value)
        }
        var groups: [GroupFacts] = []
        var groupOf = [Int](repeating: -1, count: scenario.accounts.count)
        let shared = scenario.accounts.indices.filter { scenario.accounts[$0].pie == nil }
        if !shared.isEmpty {
            for a in shared { groupOf[a] = groups.count }
            groups.append(group(shared, scenario.pie))
        }
        for (a, account) in scenario.accounts.enumerated() where account.pie != nil {
            groupOf[a] = groups.count
            groups.append(group([a], account.pie))
        }
        self.groups = groups
        self.groupOf = groupOf
        self.totalInvestable = groups.reduce(0) { $0 + $1.investable }
    }

    /// The identical group of `symbol` (its `washSale.identical` group, or itself), named by its
    /// least member.
    public static func identicalKey(_ scenario: Scenario, _ symbol: String) -> String {
        (scenario.identicalGroups.first { $0.contains(symbol) } ?? [symbol]).min()!
    }

    /// Days from `a` to `b`, by Foundation's Gregorian calendar (not Rebalancing's `Day`).
    public static func days(from a: Day, to b: Day) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let da = calendar.date(from: DateComponents(year: a.year, month: a.month, day: a.day))!
        let db = calendar.date(from: DateComponents(year: b.year, month: b.month, day: b.day))!
        return calendar.dateComponents([.day], from: da, to: db).day!
    }

    public var misallocationBefore: Double {
        // Before trading a shortfall (cash + flow < minCash) counts too, as |e_a| (README).
        measure(sold: [Double](repeating: 0, count: lots.count), buys: []).misallocation
    }

    /// The measures of a plan given as shares sold per lot and dollars bought.
    public func measure(sold: [Double], buys: [Buy]) -> Measures {
        var cash = scenario.accounts.map { $0.cash + $0.flow }
        var soldByAccount = [Double](repeating: 0, count: scenario.accounts.count)
        var holdings = [[String: Double]](repeating: [:], count: groups.count)
        var lotTax = 0.0, realizedST = 0.0, realizedLT = 0.0, planST = 0.0, planLT = 0.0, turnover = 0.0
        for (l, lot) in lots.enumerated() {
            let x = sold[l]
            cash[lot.account] += lot.price * x
            soldByAccount[lot.account] += lot.price * x
            turnover += lot.price * x
            let group = groups[groupOf[lot.account]]
            holdings[groupOf[lot.account]][group.classOf[lot.symbol] ?? lot.symbol, default: 0] += lot.price * (lot.shares - x)
            let gain = lot.gainPerShare * x
            lotTax += lot.rate * gain
            if lot.isTaxable && x > 0 {
                if lot.isLongTerm { realizedLT += gain } else { realizedST += gain }
                let counted = lot.isLookBack ? 0 : gain
                if lot.isLongTerm { planLT += counted } else { planST += counted }
            }
        }
        for buy in buys {
            cash[buy.account] -= buy.amount
            turnover += buy.amount
            let group = groups[groupOf[buy.account]]
            holdings[groupOf[buy.account]][group.classOf[buy.symbol] ?? buy.symbol, default: 0] += buy.amount
        }
        var misallocation = 0.0
        for (g, group) in groups.enumerated() {
            var sum = 0.0
            // By class: a held symbol counts toward its class; one in no class is its own.
            let heldClasses = group.held.map { group.classOf[$0] ?? $0 }
            for s in Set(heldClasses).union(group.targets.keys).union(holdings[g].keys) {
                sum += abs((holdings[g][s] ?? 0) - (group.targets[s] ?? 0) * group.investable)
            }
            for a in group.accounts { sum += abs(cash[a] - scenario.accounts[a].minCash) }
            misallocation += sum / 2
        }
        let t = scenario.tax
        let s0 = t.realizedThisYear.shortTerm - t.carryforwardLoss.shortTerm
        let l0 = t.realizedThisYear.longTerm - t.carryforwardLoss.longTerm
        let estimated = tax(s0 + planST, l0 + planLT) - tax(s0, l0)
        return Measures(
            misallocation: misallocation, lotTax: lotTax, estimatedTax: estimated, realizedShortTerm: realizedST,
            realizedLongTerm: realizedLT, turnover: turnover, cashAfter: cash, soldByAccount: soldByAccount)
    }

    /// Tax(S, L) of docs/tax-model.md.
    public func tax(_ s: Double, _ l: Double) -> Double {
        let rST = scenario.tax.shortTermRate, rLT = scenario.tax.longTermRate
        if s >= 0 && l >= 0 { return rST * s + rLT * l }
        if s < 0 && l >= 0 && s + l >= 0 { return rLT * (s + l) }
        if l < 0 && s >= 0 && s + l >= 0 { return rST * (s + l) }
        return -rST * min(scenario.tax.ordinaryOffsetLimit, -(s + l))
    }

    /// Reads a report's trades back into shares sold per lot and purchases, matching each sold
    /// lot to the scenario's by account, symbol, acquisition date, id, shares and gain.
    public func decode(_ report: PlanReport) -> (sold: [Double], buys: [Buy], problems: [String]) {
        var sold = [Double](repeating: 0, count: lots.count)
        var buys: [Buy] = []
        var problems: [String] = []
        var accountIndex: [String: Int] = [:]
        for (a, account) in scenario.accounts.enumerated() { accountIndex[account.id] = a }
        var seen = Set<String>()
        for trade in report.trades {
            let key = "\(trade.account)/\(trade.symbol)/\(trade.action.rawValue)"
            if !seen.insert(key).inserted { problems.append("two trades \(key)") }
            guard let a = accountIndex[trade.account] else {
                problems.append("a trade in unknown account \(trade.account)")
                continue
            }
            guard let price = scenario.prices[trade.symbol] else {
                problems.append("a trade of unpriced \(trade.symbol)")
                continue
            }
            if trade.price != price { problems.append("\(key): price \(trade.price), scenario \(price)") }
            if abs(trade.amount - trade.shares * price) > 1e-9 * max(1, trade.amount) {
                problems.append("\(key): amount \(trade.amount) ≠ shares × price \(trade.shares * price)")
            }
            switch trade.action {
            case .buy:
                if !trade.lots.isEmpty { problems.append("\(key): a buy lists sold lots") }
                buys.append(Buy(account: a, symbol: trade.symbol, amount: trade.amount))
            case .sell:
                if trade.lots.isEmpty { problems.append("\(key): a sell lists no lots") }
                var shares = 0.0
                for soldLot in trade.lots {
                    shares += soldLot.shares
                    let match = lots.indices.first { l in
                        let lot = lots[l]
                        return lot.account == a && lot.symbol == trade.symbol && lot.acquired == soldLot.acquired
                            && lot.id == soldLot.id && sold[l] == 0 && soldLot.shares <= lot.shares
                            && abs(lot.gainPerShare * soldLot.shares - soldLot.gain) <= 1e-6 * max(1, abs(soldLot.gain))
                            && lot.isLongTerm == soldLot.isLongTerm && lot.isLookBack == soldLot.isDisallowed
                    }
                    guard let l = match else {
                        problems.append(
                            "\(key): sold lot \(soldLot.acquired) id \(soldLot.id ?? "-") \(soldLot.shares) sh, gain \(soldLot.gain), "
                                + "long \(soldLot.isLongTerm), washSale \(soldLot.isDisallowed) matches no lot")
                        continue
                    }
                    if !(soldLot.shares > 0) { problems.append("\(key): sells \(soldLot.shares) shares of a lot") }
                    sold[l] = soldLot.shares
                }
                if abs(shares - trade.shares) > 1e-9 * max(1, shares) {
                    problems.append("\(key): \(trade.shares) shares, its lots \(shares)")
                }
            }
        }
        return (sold, buys, problems)
    }
}
