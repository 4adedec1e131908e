import Rebalancing

extension HTMLReport {
    /// One group's holdings in dollars, before and after a plan, beside its target.
    struct Allocation {
        struct Line {
            /// The symbol's index in `household.symbols`; nil for the cash line.
            let symbol: Int?
            let label: String
            /// Target dollars: w_{G,s}·I_G (0 for cash).
            let target: Double
            let before: Double
            let after: Double?
        }

        let group: Household.Group
        /// Symbols in pie order (targeted by weight, then held only), then cash above the reserve.
        let lines: [Line]
        let driftBefore: Double
        let driftAfter: Double?
        /// Σ minCash over the group's accounts (cash kept aside, outside the investable value).
        let reserve: Double
    }

    /// The allocation of every group of the household, after `plan` when one is given.
    static func allocations(_ household: Household, plan: Plan?) -> [Allocation] {
        let measures = PlanMeasures(household)
        let before = holdings(household, plan: nil)
        let after = plan.map { holdings(household, plan: $0) }
        let cashBefore = measures.cashAfter(sharesSold: nil, purchases: [])
        let cashAfter = plan.map { measures.cashAfter(sharesSold: $0.sharesSold, purchases: $0.purchases) }
        let accounts = household.scenario.accounts

        return household.groups.enumerated().map { g, group in
            let reserve = group.accounts.reduce(0) { $0 + accounts[$1].minCash }
            let excessBefore = group.accounts.map { cashBefore[$0] - accounts[$0].minCash }
            let excessAfter = cashAfter.map { cash in group.accounts.map { cash[$0] - accounts[$0].minCash } }

            var lines = pieOrder(group).map { s in
                Allocation.Line(
                    symbol: s, label: household.symbols[s], target: (group.targets[s] ?? 0) * group.investable,
                    before: before[g][s] ?? 0, after: after.map { $0[g][s] ?? 0 })
            }
            lines.append(
                Allocation.Line(
                    symbol: nil, label: "Cash", target: 0,
                    before: excessBefore.reduce(0, +), after: excessAfter?.reduce(0, +)))

            func drift(_ pick: (Allocation.Line) -> Double, _ excess: [Double]) -> Double {
                let symbols = lines.filter { $0.symbol != nil }.reduce(0) { $0 + abs(pick($1) - $1.target) }
                return (symbols + excess.reduce(0) { $0 + abs($1) }) / 2 / group.investable
            }
            return Allocation(
                group: group, lines: lines, driftBefore: drift({ $0.before }, excessBefore),
                driftAfter: excessAfter.map { drift({ $0.after ?? 0 }, $0) }, reserve: reserve)
        }
    }

    /// Dollars held per group and symbol: Σ p·(q − x) over the group's lots plus what the plan buys.
    static func holdings(_ household: Household, plan: Plan?) -> [[Int: Double]] {
        var out = [[Int: Double]](repeating: [:], count: household.groups.count)
        for (l, lot) in household.lots.enumerated() {
            let sold = plan?.sharesSold[l] ?? 0
            out[household.groupOfAccount[lot.account]][lot.symbol, default: 0] += lot.price * (lot.shares - sold)
        }
        for purchase in plan?.purchases ?? [] {
            out[household.groupOfAccount[purchase.account]][purchase.symbol, default: 0] += purchase.amount
        }
        return out
    }

    /// Targeted symbols by weight (largest first), then symbols held but not targeted, by name.
    static func pieOrder(_ group: Household.Group) -> [Int] {
        group.symbols.sorted { a, b in
            let wa = group.targets[a] ?? 0, wb = group.targets[b] ?? 0
            return wa != wb ? wa > wb : a < b
        }
    }

    /// The plan the "after" charts show: the first `tax-aware` plan, else `full`, else the first
    /// plan with trades.
    static func recommended(_ reports: [PlanReport]) -> PlanReport? {
        let usable = reports.filter { $0.plan.hasTrades }
        func isTaxAware(_ report: PlanReport) -> Bool {
            if case .taxAware = report.strategy.kind { return true }
            return false
        }
        return usable.first(where: isTaxAware) ?? usable.first { $0.strategy.kind == .full } ?? usable.first
    }
}
