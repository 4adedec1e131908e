/// Everything a person or a program reads about a plan, recomputed from its trades: the trades
/// with the lots they sell, drift before and after, turnover, realized gains, lot tax, the tax
/// estimate and the cash left.
public struct PlanReport: Sendable {
    public struct SoldLot: Sendable {
        public let id: String?
        public let acquired: Day
        public let shares: Double
        /// g_l·x_l.
        public let gain: Double
        public let isLongTerm: Bool
        /// A loss whose deduction the 30-day look-back disallows.
        public let isDisallowed: Bool
        /// The type of the account it is sold in: only sales in taxable accounts are taxed.
        public let accountType: AccountType

        /// The one rule for whether a sale is taxed: only in a taxable account. A gain or loss in
        /// a tax-deferred or tax-exempt account is not counted in any tax figure.
        public var isTaxable: Bool { accountType == .taxable }
        /// The first date on which the lot is long-term.
        public var longTermOn: Day { acquired.longTermOn }
        /// How the sale is taxed, for people: `long-term`, `short-term`, or
        /// `not taxable (tax-deferred)` (or tax-exempt).
        public var taxTreatment: String {
            guard isTaxable else { return "not taxable (\(accountType.label))" }
            return isLongTerm ? "long-term" : "short-term"
        }
    }

    public struct Trade: Sendable {
        public enum Action: String, Sendable { case buy, sell }
        public let account: String
        public let symbol: String
        public let action: Action
        public let shares: Double
        public let amount: Double
        public let price: Double
        /// The lots sold, for a sell.
        public let lots: [SoldLot]
    }

    public struct Summary: Sendable {
        public let misallocatedBefore: Double
        public let misallocatedAfter: Double
        public let driftBefore: Double
        public let driftAfter: Double
        public let turnover: Double
        /// Gains realized in taxable accounts by term (losses negative, disallowed ones included).
        public let realizedShortTerm: Double
        public let realizedLongTerm: Double
        /// Σ r_l g_l x_l.
        public let lotTax: Double
        public let tax: TaxEstimate
        /// Cash each account holds after the plan, minCash included (by account id order).
        public let cashAfter: [(account: String, amount: Double)]
        public var estimatedTax: Double { tax.incremental }
        /// The loss carried to next year with the plan, by character.
        public var carryforwardAfter: TermAmounts { tax.carryforwardAfter }
    }

    /// Something the reader of a plan should know beside its trades (docs/output.md `notes`).
    public typealias Note = PlanNote

    public let plan: Plan
    public let trades: [Trade]
    public let summary: Summary
    /// Advice that goes with the trades (near-long-term lots, groups not to buy back yet).
    public let notes: [PlanNote]
    /// The tax settings the figures assume, and which of them are defaults.
    public let assumptions: Assumptions

    public var strategy: Strategy { plan.strategy }
    public var status: PlanStatus { plan.status }

    /// `misallocatedBefore`: the household's misallocation with no trades, when the caller worked
    /// it out once for several plans (it is the same for every plan of the household).
    public init(_ plan: Plan, household: Household, misallocatedBefore: Double? = nil) {
        self.plan = plan
        let scenario = household.scenario
        let measure = PlanMeasures(household)

        var trades: [Trade] = []
        // At most a trade per lot sold or purchase.
        trades.reserveCapacity(plan.sharesSold.lazy.filter { $0 > 0 }.count + plan.purchases.count)
        var realizedST = 0.0, realizedLT = 0.0, planST = 0.0, planLT = 0.0, lotTax = 0.0
        for (a, account) in scenario.accounts.enumerated() {
            // The lots sold, by symbol ascending and then in the account's order: a sell trade
            // for each run of one symbol.
            let sold = household.lotsByAccount[a].filter { plan.sharesSold[$0] > 0 }
                .sorted { (household.lots[$0].symbol, $0) < (household.lots[$1].symbol, $1) }
            var end = 0
            while end < sold.count {
                let start = end
                let s = household.lots[sold[start]].symbol
                while end < sold.count && household.lots[sold[end]].symbol == s { end += 1 }
                var shares = 0.0
                var lots: [SoldLot] = []
                lots.reserveCapacity(end - start)
                for l in sold[start..<end] {
                    let lot = household.lots[l]
                    let x = plan.sharesSold[l]
                    let gain = lot.gainPerShare * x
                    shares += x
                    lotTax += lot.rate * gain
                    if lot.isTaxable {
                        if lot.isLongTerm { realizedLT += gain } else { realizedST += gain }
                        let counted = lot.isLookBack ? 0 : gain
                        if lot.isLongTerm { planLT += counted } else { planST += counted }
                    }
                    lots.append(
                        SoldLot(
                            id: account.lots[lot.index].id, acquired: lot.acquired, shares: x, gain: gain,
                            isLongTerm: lot.isLongTerm, isDisallowed: lot.isLookBack, accountType: account.type))
                }
                let price = household.prices[s]
                trades.append(
                    Trade(
                        account: account.id, symbol: household.symbols[s], action: .sell, shares: shares,
                        amount: shares * price, price: price, lots: lots))
            }
            for purchase in plan.purchases.filter({ $0.account == a }).sorted(by: { $0.symbol < $1.symbol }) {
                let price = household.prices[purchase.symbol]
                trades.append(
                    Trade(
                        account: account.id, symbol: household.symbols[purchase.symbol], action: .buy,
                        shares: purchase.amount / price, amount: purchase.amount, price: price, lots: []))
            }
        }
        self.trades = trades

        let before = misallocatedBefore ?? measure.misallocation(sharesSold: nil, purchases: [])
        let after = measure.misallocation(sharesSold: plan.sharesSold, purchases: plan.purchases)
        let total = household.totalInvestable
        let cash = measure.cashAfter(sharesSold: plan.sharesSold, purchases: plan.purchases)
        summary = Summary(
            misallocatedBefore: before, misallocatedAfter: after,
            driftBefore: before / total, driftAfter: after / total,
            turnover: trades.reduce(0) { $0 + $1.amount },
            realizedShortTerm: realizedST, realizedLongTerm: realizedLT, lotTax: lotTax,
            tax: TaxEstimate(scenario.tax, planShortTerm: planST, planLongTerm: planLT),
            cashAfter: scenario.accounts.indices.map { (scenario.accounts[$0].id, cash[$0]) })
        notes =
            PlanNote.notes(trades: trades, household: household)
            + scenario.blocks.map { .blocked(symbol: $0.symbol, until: $0.until) }
        assumptions = Assumptions(scenario.tax)
    }
}

/// Misallocation and cash recomputed from trades alone (docs/strategies.md), independent of the model.
public struct PlanMeasures: Sendable {
    public let household: Household

    public init(_ household: Household) { self.household = household }

    /// Cash in each account after the trades: cash + flow + sells − buys.
    public func cashAfter(sharesSold: [Double]?, purchases: [Plan.Purchase]) -> [Double] {
        var cash = household.scenario.accounts.map { $0.cash + $0.flow }
        if let sharesSold {
            for (l, lot) in household.lots.enumerated() { cash[lot.account] += lot.price * sharesSold[l] }
        }
        for p in purchases { cash[p.account] -= p.amount }
        return cash
    }

    /// Dollars held per group and symbol after the trades: Σ p·(q − x) over the group's lots plus
    /// what the trades buy there (each member of a class apart; see ``classHoldings(sharesSold:purchases:)``).
    public func holdings(sharesSold: [Double]?, purchases: [Plan.Purchase]) -> [[Int: Double]] {
        holdings(sharesSold: sharesSold, purchases: purchases) { _, symbol in symbol }
    }

    /// Dollars held per group and class (by the class's symbol): the holdings of every member
    /// count toward the class. A symbol bought in a group that neither holds nor targets it (no
    /// valid plan does that) counts as a class of its own with target 0.
    public func classHoldings(sharesSold: [Double]?, purchases: [Plan.Purchase]) -> [[Int: Double]] {
        holdings(sharesSold: sharesSold, purchases: purchases) { group, symbol in
            group.classOf(symbol)?.symbol ?? symbol
        }
    }

    /// Holdings per group, summed under `key(group, symbol)`.
    private func holdings(
        sharesSold: [Double]?, purchases: [Plan.Purchase], key: (Household.Group, Int) -> Int
    ) -> [[Int: Double]] {
        // Summed in flat arrays by (group, key), in the order of the lots and purchases (the same
        // sums as a dictionary's), each (group, symbol)'s key looked up once: a dictionary
        // update per lot was most of a 100,000-lot report.
        let groups = household.groups
        let width = household.symbols.count
        var sums = [Double](repeating: 0, count: groups.count * width)
        var present = [Bool](repeating: false, count: groups.count * width)
        var keys = [Int](repeating: -1, count: groups.count * width)
        func add(_ g: Int, _ symbol: Int, _ dollars: Double) {
            var k = keys[g * width + symbol]
            if k < 0 {
                k = key(groups[g], symbol)
                keys[g * width + symbol] = k
            }
            sums[g * width + k] += dollars
            present[g * width + k] = true
        }
        for (l, lot) in household.lots.enumerated() {
            let remaining = lot.shares - (sharesSold?[l] ?? 0)
            add(household.groupOfAccount[lot.account], lot.symbol, lot.price * remaining)
        }
        for p in purchases { add(household.groupOfAccount[p.account], p.symbol, p.amount) }
        return groups.indices.map { g in
            var held: [Int: Double] = [:]
            for k in 0..<width where present[g * width + k] { held[k] = sums[g * width + k] }
            return held
        }
    }

    /// ``classHoldings(sharesSold:purchases:)`` by group and class index, summed in the same order;
    /// nil when something is held or bought in a group with no class for it (no valid plan does
    /// that). Arrays, not dictionaries: a batch measures every plan twice.
    private func classDollars(sharesSold: [Double]?, purchases: [Plan.Purchase]) -> [[Double]]? {
        var held = household.groups.map { [Double](repeating: 0, count: $0.classes.count) }
        for (l, lot) in household.lots.enumerated() {
            let g = household.groupOfAccount[lot.account]
            guard let c = household.groups[g].classIndex[lot.symbol] else { return nil }
            held[g][c] += lot.price * (lot.shares - (sharesSold?[l] ?? 0))
        }
        for p in purchases {
            let g = household.groupOfAccount[p.account]
            guard let c = household.groups[g].classIndex[p.symbol] else { return nil }
            held[g][c] += p.amount
        }
        return held
    }

    /// D = Σ_G D_G (see ``misallocationByGroup(sharesSold:purchases:)``).
    public func misallocation(sharesSold: [Double]?, purchases: [Plan.Purchase]) -> Double {
        misallocationByGroup(sharesSold: sharesSold, purchases: purchases).reduce(0, +)
    }

    /// D_G = ½(Σ_c |dev_{G,c}| + Σ_a |e_a|) for each group, in `household.groups` order: over the
    /// group's classes c (the holdings of every member count toward the class's target), with
    /// e_a the cash above minCash (negative when a withdrawal is not yet raised; it counts as
    /// misallocated too).
    public func misallocationByGroup(sharesSold: [Double]?, purchases: [Plan.Purchase]) -> [Double] {
        let accounts = household.scenario.accounts
        let cash = cashAfter(sharesSold: sharesSold, purchases: purchases)
        if let held = classDollars(sharesSold: sharesSold, purchases: purchases) {
            // The same sums as below, in the same order (the classes are in ascending symbol order).
            return household.groups.enumerated().map { g, group in
                var sum = 0.0
                for (c, class_) in group.classes.enumerated() { sum += abs(held[g][c] - class_.target * group.investable) }
                for a in group.accounts { sum += abs(cash[a] - accounts[a].minCash) }
                return sum / 2
            }
        }
        let holdings = classHoldings(sharesSold: sharesSold, purchases: purchases)
        return household.groups.enumerated().map { g, group in
            var sum = 0.0
            // Sorted: a sum over a Set would change in the last bit from run to run.
            for c in Set(group.classes.map(\.symbol)).union(holdings[g].keys).sorted() {
                sum += abs((holdings[g][c] ?? 0) - (group.classOf(c)?.target ?? 0) * group.investable)
            }
            for a in group.accounts { sum += abs(cash[a] - accounts[a].minCash) }
            return sum / 2
        }
    }
}

extension PlanReport {
    /// A lot sold, with the trade it belongs to: what the tax preview and the lot instructions
    /// list.
    public struct SoldLotInTrade: Sendable {
        public let account: String
        public let symbol: String
        public let lot: SoldLot
        /// Shares sold × price.
        public let proceeds: Double
        /// The cost basis of the shares sold: proceeds less the gain.
        public let costBasis: Double
    }

    /// Every lot sold, trade by trade in the plan's order.
    public var soldLots: [SoldLotInTrade] {
        var lots: [SoldLotInTrade] = []
        for trade in trades where trade.action == .sell {
            for lot in trade.lots {
                let proceeds = lot.shares * trade.price
                lots.append(
                    SoldLotInTrade(
                        account: trade.account, symbol: trade.symbol, lot: lot, proceeds: proceeds,
                        costBasis: proceeds - lot.gain))
            }
        }
        return lots
    }
}
