import LinearProgramming

extension Optimizer {
    /// The plan of a solution: shares sold per lot and dollars bought, with solver noise removed.
    func extract(_ built: RebalanceModel, _ solution: Solution, strategy: Strategy, marginal: Double?) -> Plan {
        let household = built.household
        // Below half a cent a value is solver noise, not a trade: it would print as $0.00.
        let epsilon = 0.005
        var shares = [Double](repeating: 0, count: household.lots.count)
        for (l, lot) in household.lots.enumerated() {
            let dollars = solution[built.sells[l]]
            // A whole lot is sold when the solver sold (nearly) all of it: a lot it did not sell
            // stays, however little it is worth (a dust lot is not sold for being dust).
            if dollars >= lot.value - epsilon && dollars >= lot.value / 2 {
                shares[l] = lot.shares
            } else if dollars > epsilon {
                shares[l] = dollars / lot.price
            }
        }
        snapWholeShareSales(built, solution, &shares)
        var purchases: [Plan.Purchase] = []
        for p in built.purchases {
            var amount = solution[p.variable]
            // Whole shares: the solver's value is price × a whole number within its tolerances.
            if household.scenario.accounts[p.account].wholeShares {
                let price = household.prices[p.symbol], shares = (amount / price).rounded()
                if abs(amount / price - shares) < 1e-6 { amount = shares * price }
            }
            if amount > epsilon { purchases.append(Plan.Purchase(account: p.account, symbol: p.symbol, amount: amount)) }
        }
        // A guard row can let through a cent-sized purchase beside a loss sale (the solver's
        // tolerances): under a dollar that is noise and goes; anything larger is a failure.
        var status = PlanStatus(solution.status)
        for candidate in built.guardCandidates {
            let lossSold = candidate.lossLots.reduce(0) { $0 + shares[$1] * household.lots[$1].price }
            let inGroup = { (p: Plan.Purchase) in household.identicalKey[p.symbol] == candidate.symbol }
            let bought = purchases.filter(inGroup).reduce(0) { $0 + $1.amount }
            guard lossSold > 0, bought > 0 else { continue }
            if bought < 1 {
                purchases.removeAll(where: inGroup)
            } else if lossSold < 1 {
                for l in candidate.lossLots { shares[l] = 0 }
            } else {
                status = .numericalFailure(
                    "the wash-sale guard on \(household.symbols[candidate.symbol]) did not hold numerically")
            }
        }
        return Plan(
            strategy: strategy, status: status, sharesSold: shares, purchases: purchases,
            marginalTaxPerDollar: marginal)
    }

    /// Where an account trades whole shares, the solver sells a whole number of each symbol's
    /// shares within its tolerances, but snapping a nearly whole lot to whole above can move the
    /// total off it (by up to half a cent's worth). The difference goes back onto a sold lot (one
    /// sold in part when there is one), so the total is the whole number the solver meant.
    private func snapWholeShareSales(_ built: RebalanceModel, _ solution: Solution, _ shares: inout [Double]) {
        let household = built.household
        for (a, account) in household.scenario.accounts.enumerated() where account.wholeShares {
            var lotsOf: [Int: [Int]] = [:]
            for l in household.lotsByAccount[a] { lotsOf[household.lots[l].symbol, default: []].append(l) }
            for (_, lots) in lotsOf {
                let solverShares = lots.reduce(0) { $0 + solution[built.sells[$1]] / household.lots[$1].price }
                let whole = solverShares.rounded()
                // A sale that closes the position is valid as it is: nothing to move.
                let closes = lots.allSatisfy { household.lots[$0].doNotSell || shares[$0] == household.lots[$0].shares }
                guard whole > 0, abs(solverShares - whole) < 1e-4, !closes else { continue }
                let difference = whole - lots.reduce(0) { $0 + shares[$1] }
                func fits(_ l: Int) -> Bool { shares[l] > 0 && (0...household.lots[l].shares).contains(shares[l] + difference) }
                // A lot sold in part first; else a sold lot that can take it (it is then sold in part).
                guard difference != 0,
                    let lot = lots.first(where: { fits($0) && shares[$0] < household.lots[$0].shares }) ?? lots.first(where: fits)
                else { continue }
                shares[lot] += difference
            }
        }
    }
}
