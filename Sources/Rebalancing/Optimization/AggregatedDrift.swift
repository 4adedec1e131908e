import Foundation
import LinearProgramming

// The first stage of a drift-first strategy (D, or band's D_β) solved on aggregated lots.
//
// In that stage every lot of one account and symbol is the same column: it raises dollars in
// its account's cash row and lowers its class's deviation row by the same ±1; only its bound
// (what it is worth) differs. The wash-sale guard tells lots apart only by whether they are
// taxable losses, and doNotSell by its flag. So the lots of one (account, symbol, taxable loss,
// doNotSell) can be merged into one lot worth their sum without changing the stage's optimum:
// any plan of the merged household is a plan of the original one (spread each merged sale over
// its lots in any way) with the same drift and the same guard, and the converse (sum the
// sales). Tax, harvest and turnover tell the lots apart, so only the first stage is solved this
// way: on a direct-indexing household of 100,000 lots, a model of about a thousand lot columns
// instead.
//
// The merged stage is solved with the same guard settlement as any stage (its optimum then
// holds for the original household exactly), its sales are spread over whole lots (lowest lot
// tax per dollar first) and fixed in the full model's session, one LP fills in the other columns
// (cash, deviations, the band's and Tax's auxiliaries, the lot sold in part, the purchases) and
// the trades are freed again at the bounds they were fixed at: the later stages start from that
// basis, which satisfies every guard, with all but a few lots at a bound (what sifting needs,
// GLPKSifting.swift). tax-aware's first stage, which tells lots apart, starts from the same point.
struct AggregatedDrift {
    /// The household with merged lots.
    let household: Household
    /// For each merged lot, the original lots it stands for (household lot indices).
    let members: [[Int]]

    init(_ original: Household) {
        var scenario = original.scenario
        var members: [[Int]] = []
        for (a, account) in scenario.accounts.enumerated() {
            var index: [Int: Int] = [:]  // (symbol, loss, doNotSell) → position in `lots`
            var lots: [Lot] = []
            for l in original.lotsByAccount[a] {
                let info = original.lots[l]
                var lot = account.lots[info.index]
                let key = info.symbol * 4 + (info.isGuardedLoss ? 2 : 0) + (info.doNotSell ? 1 : 0)
                if let i = index[key] {
                    lots[i].shares += lot.shares
                    lots[i].costBasis += lot.costBasis
                    members[members.count - lots.count + i].append(l)
                } else {
                    lot.id = nil
                    index[key] = lots.count
                    lots.append(lot)
                    members.append([l])
                }
            }
            scenario.accounts[a].lots = lots
        }
        self.household = Household(scenario)
        self.members = members
    }

    /// Whether merging is exact and worth it for this model's first stage.
    static func applies(to built: RebalanceModel) -> Bool {
        // Whole shares act on the lots themselves (a sale closing a position closes each lot).
        // A minimum trade acts on an account's sale of a symbol, the sum over its lots, which
        // merging keeps: the merged model carries it exactly.
        guard let first = built.stages.first, built.budgetRows.isEmpty,
            !built.household.scenario.accounts.contains(where: \.wholeShares)
        else { return false }
        switch first {
        case .misallocation, .bandMisallocation: break
        case .tax, .misallocationAndTax, .harvest, .turnover: return false
        }
        // Only where many lots share an account and symbol.
        return built.household.lots.count >= minimumLots
    }

    /// Whether a first stage that is not solved on merged lots (tax-aware's κ·D + Tax, which
    /// tells lots apart; tax-budget's D under Tax ≤ B) is better started from the merged drift
    /// stage's point than from nothing: on a large household, the primal simplex from the slack
    /// basis spends most of its time finding a feasible point. Only a starting basis: the stage
    /// is then solved as usual (and if the budget makes the filled-in point infeasible, the
    /// simplex goes on from there).
    static func warmStarts(_ built: RebalanceModel) -> Bool {
        guard let first = built.stages.first, !applies(to: built),
            !built.household.scenario.accounts.contains(where: \.wholeShares)
        else { return false }
        switch first {
        case .misallocationAndTax, .misallocation: return built.household.lots.count >= minimumLots
        case .bandMisallocation, .tax, .harvest, .turnover: return false
        }
    }

    /// On unless REBALANCE_MERGE_LOTS=0 (to compare with the first stage solved in the full
    /// model). Exact either way.
    static let isEnabled = ProcessInfo.processInfo.environment["REBALANCE_MERGE_LOTS"] != "0"

    /// Households with fewer lots solve their first stage in the full model.
    static let minimumLots = 1_000
}

extension Optimizer {
    /// The first stage (D or D_β) of `built` solved on merged lots and completed in `session`
    /// (see above): an optimal solution of the full model's first stage, with the session's
    /// bounds as they were. Nil when merging does not apply or does not reach an optimum (the
    /// caller then solves the stage in the full model).
    func aggregatedFirstStage(
        _ built: RebalanceModel, _ session: Solver.Session, strategy: Strategy, stage: Stage? = nil
    ) throws(LinearProgrammingError) -> Solution? {
        guard stage != nil || AggregatedDrift.applies(to: built), let first = stage ?? built.stages.first else { return nil }
        let merged = AggregatedDrift(built.household)
        guard merged.household.lots.count * 2 <= built.household.lots.count else { return nil }
        let started = Trace.now()
        let small = RebalanceModel(merged.household, strategy: strategy.kind, stages: [first])
        let smallSession = try solver.makeSession(small.model)
        try smallSession.setObjective(small.objective(first))
        var binaries: [Int: Variable] = [:]
        let solution = try solveGuarded(small, smallSession, &binaries, previous: nil, floor: { small.separableBound(first) })
        Trace.log { "merged first stage: \(merged.household.lots.count) lots for \(built.household.lots.count), \(solution.status.name), objective \(solution.objectiveValue), \(Trace.since(started)) s" }
        guard solution.status.isOptimal else { return nil }

        // The trades spread over the original lots: each merged sale fills its lots whole, lowest
        // lot tax per dollar first, so that at most one lot of each is sold in part. Whole and
        // untouched lots, and purchases the merged stage does not make, are fixed; the lot sold
        // in part and the purchases made are left free for the LP below (they cannot break a
        // guard: the merged solution keeps every guard, and nothing it leaves at zero moves).
        // The later stages then start from a basis whose lots sit at their bounds.
        var fixed: [(Variable, Double)] = []
        let taxPerDollar = built.household.lots.map { $0.rate * $0.gainPerShare / $0.price }
        for (i, lots) in merged.members.enumerated() {
            var left = max(0, solution[small.sells[i]])
            let ordered = lots.sorted {
                let (ta, tb) = (taxPerDollar[$0], taxPerDollar[$1])
                return ta < tb || (ta == tb && $0 < $1)
            }
            for l in ordered {
                let variable = built.sells[l]
                let upper = built.model.columns[variable.index].upper
                let x = min(left, upper)
                left -= x
                if x <= 0 || x >= upper { fixed.append((variable, x)) }
            }
        }
        var bought: [Int: Double] = [:]  // account · symbols + symbol → dollars
        let width = built.household.symbols.count
        for p in small.purchases { bought[p.account * width + p.symbol] = solution[p.variable] }
        for p in built.purchases where (bought[p.account * width + p.symbol] ?? 0) <= 0 { fixed.append((p.variable, 0)) }

        for (variable, value) in fixed {
            let column = built.model.columns[variable.index]
            let x = min(max(value, column.lower), column.upper)
            try session.setBounds(variable, lower: x, upper: x)
        }
        try session.setObjective(built.objective(first))
        let completed = session.solveRelaxation()
        for (variable, _) in fixed {
            let column = built.model.columns[variable.index]
            try session.setBounds(variable, lower: column.lower, upper: column.upper)
        }
        Trace.log { "merged first stage completed: \(completed.status.name), objective \(completed.objectiveValue), \(Trace.since(started)) s" }
        // The completed point must reach the merged optimum (within the stage margin) and keep the
        // guard and the minimum trades (the purchases left free may have moved).
        guard completed.status.isOptimal,
            completed.objectiveValue <= solution.objectiveValue + Self.tightTolerance(built.household),
            built.conflicts(in: completed.values, excluding: []).isEmpty, built.isExecutable(completed.values)
        else { return nil }
        return completed
    }
}
