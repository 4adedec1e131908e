import LinearProgramming

// Whole shares: a lower bound on a stage from one account's whole shares at a time.
//
// In whole shares each account's cash is spent only by its own whole shares: its leftover
// (cash + what it sells − what it buys, in cents) is a residue that the LP relaxation, trading
// fractions, always brings to 0. On near-long-term.yaml under tax-budget:0, the tax row lets the
// brokerage sell 4 MSFT ($1,680) against 9 VOO at a loss ($4,950), and the $7,630 it then holds is
// spent by VXUS at $62.50 and BND at $72.10 to within $0.30 at best (114 and 7 shares): the
// drift stage's optimum is 36,730.30, its relaxation 36,730.00 once the tax row's fractions are
// branched away. Branch and bound on the whole model took about 100,000 nodes to prove those 30
// cents: the 401(k), trading among its own underweight funds at no cost in drift, is fractional
// at almost every node, and the search branches on its share counts, which move no bound, so the
// tree grows with the product of both accounts' choices.
//
// So the turns of branch and bound (`MIPSession.branchAndBoundInTurns`) also search, per account
// in whole shares, the stage with only that account's integer columns integer (its share counts
// and its order rules' binaries) and the wash-sale guards' binaries, every other integer column continuous. Dropping integrality removes no point, so
// each such relaxation's optimum is at most the stage's, and a proven lower bound on it
// (`MIPSession.runBound`: its optimum, or the least bound of the nodes it left, less GLPK's
// pruning tolerance) is a lower bound on the stage's optimum. With the other accounts
// continuous, the search meets only this account's number theory: on the brokerage above, 300
// to 430 nodes prove 36,730.30 (GLPK, each of its three searches, on the dumped model). Only a
// stage that later stages hold (a gap above 0) uses it, the way it uses the turns' other
// bounds: it stops once its best plan is within the gap of the bound, and the later stages hold
// it at that bound plus the stage margin ("Stopping within the margin").

extension ExecutableOrders {
    /// The integer columns of each account with order rules (its whole shares and its order
    /// rules' binaries), each joined by `shared` (the wash-sale guards' binaries), for
    /// ``MIPSession/solve(incumbent:gap:floor:blocks:)``; empty when fewer than two accounts
    /// have any (one block would be the whole model).
    ///
    /// None under `band` (a model with exchange lattices): GLPK's branch and bound on those
    /// coordinates is not to be trusted (docs/engineering.md), and on 3 of the 63 block
    /// relaxations it searched under `band:1`, `band:2`, `band:5` and `band:10` on the bundled
    /// households in whole shares it claimed a bound above the relaxation's optimum (HiGHS, on
    /// the same model written out), though each was still below the stage's optimum.
    func accountBlocks(shared: [Variable]) -> [[Variable]] {
        guard lattices.isEmpty else { return [] }
        var byAccount: [Int: [Variable]] = [:]
        for (key, order) in orders {
            let columns = [order.bought, order.buyMinimum, order.sold, order.closes, order.saleMinimum, order.buys]
            byAccount[key.account, default: []] += columns.compactMap { $0 }
        }
        let blocks = byAccount.keys.sorted().compactMap { byAccount[$0]!.isEmpty ? nil : byAccount[$0]! + shared }
        return blocks.count > 1 ? blocks : []
    }
}
