import LinearProgramming

extension Optimizer {
    /// Step 6 of `solveGuarded`, minimum trades (0/1 order columns, no whole shares): a plan
    /// satisfying every guard and every order rule found without branching on the order rules.
    ///
    /// Branch and bound over every binary at once branches mostly on the order rules' binaries
    /// (hundreds on a direct-indexing household, each fractional in the relaxation and each
    /// moving the objective by cents), and took 10–20 s to find the point the relaxation already
    /// shows. Here the guards' binaries alone are branched on, the order columns relaxed (as fast
    /// as the same search without order rules); their sides are settled by bounds (a conflict
    /// the search's point left on a symbol without a binary, by the point's leaning), and the
    /// settled point's trades rounded to executable orders and the LP solved with every integer
    /// column fixed (`solveRounded`, which also checks every guard). That plan is feasible; it is
    /// returned when it reaches a proven lower bound on the stage within `slack`, or within `gap`
    /// (then carrying that bound): the relaxation with every binary relaxed, `proven` (the
    /// Lagrangian bound), or the search's own (a branch and bound on a relaxation of the stage's
    /// model: the order rules relaxed). Else the symbols settled by leaning get binaries and the search runs
    /// again, up to ``guardsFirstRounds`` times; the best plan found stays in `best`, branch and
    /// bound's first incumbent. Nothing here is an unverified MIP answer: the search only
    /// proposes sides and a bound (as trustworthy as any branch and bound's proof of optimality),
    /// and the plan is an LP's with every integer column fixed.
    func guardsBeforeOrders(
        _ built: RebalanceModel, _ session: Solver.Session, _ binaries: inout [Int: Variable], held: [Int: Bool],
        proven: Double, slack: Double, gap: Double, best: inout Solution?
    ) throws(LinearProgrammingError) -> Solution? {
        guard built.orders.integerColumns > 0, session.integerVariablesAreBinary, !binaries.isEmpty else { return nil }
        for round in 1...Self.guardsFirstRounds {
            let guardColumns = Set(binaries.values)
            let integers = session.integerVariables
            let relaxation = tracedSolve(session, binaries, relaxed: true)
            guard relaxation.status.isOptimal else { return nil }
            var bound = max(relaxation.objectiveValue, proven)
            let run = BranchAndBoundRun(
                nodeLimit: Self.guardsFirstNodes, gap: gap, continuous: integers.filter { !guardColumns.contains($0) })
            let choice: [Double]
            /// Whether the search proved its choice optimal over the guards' binaries.
            var provenOptimal = false
            switch session.branchAndBound(run) {
            case .optimal(let found):
                (choice, provenOptimal) = (found, true)
            case .withinGap(let found, let searchBound):
                choice = found
                bound = max(bound, searchBound)
            case .nodeLimit(let found?), .timeLimit(let found?):
                choice = found
            default:
                return nil
            }
            let position = Dictionary(uniqueKeysWithValues: integers.enumerated().map { ($1, $0) })
            var sides = binaries.filter { held[$0.key] == nil }.mapValues { choice[position[$0]!] >= 0.5 }
            let searched = Set(sides.keys)
            let point = try settleConflicts(relaxation, &sides, built, session, binaries, previous: nil, bySolving: false)
            // The search's model is a relaxation of the stage's (order columns relaxed, guards only
            // where they have binaries). Proven optimal, its optimum bounds the stage's from below,
            // and so does the LP of its sides with the binaries free (each side holds at zero what
            // the guard rows hold at zero for that value of the binary: it only relaxes the LP with
            // the binaries fixed, whose optimum the search's is). That LP is `point` when no
            // conflict was left to settle by leaning.
            if provenOptimal && sides.count == searched.count && point.status.isOptimal {
                bound = max(bound, point.objectiveValue)
            }
            var plan: Solution?
            if point.status.isOptimal {
                plan =
                    built.isExecutable(point.values) && built.conflicts(in: point.values, excluding: []).isEmpty
                    ? point : try solveRounded(built, session, binaries, point.values)
            }
            try release(sides.keys.filter { held[$0] == nil }, built, session)
            Trace.log {
                "guards before orders: round \(round), \(searched.count) sides searched, \(sides.count - searched.count) settled by leaning, "
                    + "plan \(plan.map { String($0.objectiveValue) } ?? "none"), bound \(bound)"
            }
            if let plan {
                if best.map({ plan.objectiveValue < $0.objectiveValue }) ?? true { best = plan }
                if plan.objectiveValue <= bound + max(slack, gap) {
                    var found = plan
                    if plan.objectiveValue > bound + slack { found.bound = bound }
                    return found
                }
            }
            let fresh = sides.keys.filter { binaries[$0] == nil && held[$0] == nil }.sorted()
            guard !fresh.isEmpty else { return nil }
            try addGuards(fresh, built, session, &binaries)
        }
        return nil
    }

    /// Rounds of ``guardsBeforeOrders`` (each adds the binaries of the conflicts its search left).
    static var guardsFirstRounds: Int { 3 }
    /// Nodes of each of its searches: without the order rules, the searches of a direct-indexing
    /// household's stages take tens.
    static var guardsFirstNodes: Int { 2_000 }
}
