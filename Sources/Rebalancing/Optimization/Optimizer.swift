import LinearProgramming

/// Solves a strategy's stages in order (MODEL §4): each later stage keeps every earlier stage's
/// value within `0.01 + 1e-7·Σ I_G` of its optimum.
///
/// That tolerance is the most a later stage may give up, not a budget to spend: a turnover stage
/// allowed the whole of it would leave a cent of a deposit unspent and pick dust lots. Stages are
/// therefore held to a far tighter margin (`1e-6 + 1e-11·Σ I_G`), and relaxed to MODEL's tolerance
/// only if the tight margin makes a stage fail numerically.
///
/// The wash-sale guard is added lazily (see `solveGuarded`): each stage is first solved without
/// the guards not yet needed, and a symbol the solution both buys and sells at a loss is settled
/// by bounds when that provably costs nothing, else gets its binary. A solution satisfying every
/// guard and reaching the relaxation's bound is optimal for the full model.
public struct Optimizer<Solver: MIPDualSolver>: Sendable {
    public let solver: Solver

    public init(solver: Solver) { self.solver = solver }

    /// MODEL §4's tolerance: how far a later stage may let an earlier stage's value rise.
    public static func stageTolerance(_ household: Household) -> Double {
        0.01 + 1e-7 * household.totalInvestable
    }

    static func tightTolerance(_ household: Household) -> Double {
        1e-6 + 1e-11 * household.totalInvestable
    }

    public func plan(_ household: Household, strategy: Strategy) -> Plan {
        let built = RebalanceModel(household, strategy: strategy.kind)
        guard !built.stages.isEmpty else {
            return .none(strategy, household, status: .numericalFailure("\(strategy.name) is not an optimizing strategy"))
        }
        do throws(LinearProgrammingError) {
            return try solveStages(built, strategy: strategy)
        } catch {
            return .none(strategy, household, status: .numericalFailure("the model was refused: \(error)"))
        }
    }

    private func solveStages(_ built: RebalanceModel, strategy: Strategy) throws(LinearProgrammingError) -> Plan {
        let household = built.household
        let session = try solver.makeSession(built.model)
        /// The binaries of the wash-sale guards added so far, by symbol.
        var binaries: [Int: Variable] = [:]
        var solution = Solution(status: .infeasible)
        /// Each earlier stage's row and optimum.
        var stageRows: [(row: ConstraintRef, optimum: Double)] = []
        var marginal: Double?

        for (k, objective) in built.stages.enumerated() {
            /// The previous stage's solution: feasible for this stage too.
            let earlier = solution
            let previous = k > 0 ? earlier.values : nil
            if k > 0 {
                let optimum = solution.objectiveValue
                let row = try session.addConstraint(
                    Row(built.stages[k - 1], upper: optimum + Self.tightTolerance(household)))
                stageRows.append((row, optimum))
            }
            try session.setObjective(objective)
            solution = try solveGuarded(built, session, &binaries, previous: previous)
            if !solution.status.isOptimal && k > 0 && !solution.status.isTimeLimit {
                // Give the earlier stages MODEL's whole tolerance and try once more.
                for (row, optimum) in stageRows {
                    try session.setBounds(row, lower: -.infinity, upper: optimum + Self.stageTolerance(household))
                }
                solution = try solveGuarded(built, session, &binaries, previous: previous)
            }
            guard solution.status.isOptimal else {
                // At a time limit, the best point found: this stage's, else the earlier stage's
                // optimum (feasible here too), marked as not proven optimal.
                if solution.status == .timeLimit(feasible: true) && !solution.values.isEmpty {
                    return extract(built, solution, strategy: strategy, marginal: nil)
                }
                if solution.status.isTimeLimit && k > 0 {
                    var best = earlier
                    best.status = .timeLimit(feasible: true)
                    return extract(built, best, strategy: strategy, marginal: nil)
                }
                return .none(strategy, household, status: PlanStatus(solution.status))
            }
            // In the tax stage, the dual of the drift row prices one more dollar of drift in tax.
            if k == 1, built.stages[1] == built.lotTax, let drift = stageRows.first {
                marginal = -solution.dual(drift.row)
            }
        }
        return extract(built, solution, strategy: strategy, marginal: marginal)
    }

    /// Solves the loaded stage so that every wash-sale guard holds.
    ///
    /// The LP relaxation (no guard but those with a binary, binaries between 0 and 1) bounds the
    /// stage's optimum from below. A symbol the relaxation both buys and sells at a loss is then
    /// settled by bounds alone — its loss sales or its purchases held at zero, as `allowsPurchases`
    /// picks — and the relaxation solved again, settling each new conflict, until none is left. That solution satisfies every guard; if it reaches the bound it is optimal,
    /// and no branch and bound was needed. If not, the settled symbols get their binaries and
    /// guard rows (with cuts that charge drift for a conflict), which raises the bound, and the
    /// comparison is made again. Only when that fails too does branch and bound decide.
    private func solveGuarded(
        _ built: RebalanceModel, _ session: Solver.Session, _ binaries: inout [Int: Variable], previous: [Double]?
    ) throws(LinearProgrammingError) -> Solution {
        let slack = Self.tightTolerance(built.household) / 10
        var settled: [Int: Bool] = [:]
        /// The last solution satisfying every guard: returned if a later solve runs out of time,
        /// and branch and bound's first incumbent.
        var best: Solution?
        func outOfTime(_ solution: Solution) -> Solution {
            guard solution.status.isTimeLimit, var best else { return solution }
            best.status = .timeLimit(feasible: true)
            return best
        }
        while true {
            let relaxation = tracedSolve(session, binaries, relaxed: true)
            guard relaxation.status.isOptimal else { return outOfTime(relaxation) }
            let bound = relaxation.objectiveValue
            if previous == nil {
                // Symbols with a binary follow the relaxation's leaning.
                for symbol in settled.keys { if let z = binaries[symbol] { settled[symbol] = relaxation[z] >= 0.5 } }
            }
            try settle(settled, built, session)
            var trial = settled.isEmpty ? relaxation : tracedSolve(session, binaries, relaxed: true)
            while trial.status.isOptimal {
                let conflicts = built.conflicts(in: trial.values, excluding: Set(settled.keys))
                if conflicts.isEmpty { break }
                var more: [Int: Bool] = [:]
                for candidate in conflicts {
                    more[candidate.symbol] = allowsPurchases(candidate, built, trial, previous: previous, binaries)
                }
                try settle(more, built, session)
                settled.merge(more) { $1 }
                trial = tracedSolve(session, binaries, relaxed: true)
            }
            try release(Array(settled.keys), built, session)
            if trial.status.isOptimal { best = trial }
            if trial.status.isOptimal && trial.objectiveValue <= bound + slack {
                Trace.log { "guards: settled \(settled.count) symbols by bounds, \(binaries.count) binaries" }
                return trial
            }
            let unguarded = settled.keys.filter { binaries[$0] == nil }.sorted()
            if unguarded.isEmpty { break }
            // The settlement costs more than the bound: the binaries raise the bound.
            try addGuards(unguarded, built, session, &binaries)
        }
        // Branch and bound, adding the binary of each new conflict, until no guard is broken.
        // Branch and bound starts from the best point satisfying every guard.
        let incumbent = (best?.values ?? previous).map { built.incumbent($0, binaries, variableCount: session.variableCount) }
        var solution = tracedSolve(session, binaries, relaxed: false, incumbent: incumbent)
        while solution.status.isOptimal {
            let conflicts = built.conflicts(in: solution.values, excluding: Set(binaries.keys))
            if conflicts.isEmpty { break }
            try addGuards(conflicts.map(\.symbol), built, session, &binaries)
            solution = tracedSolve(session, binaries, relaxed: false)
        }
        return solution.status == .timeLimit(feasible: false) ? outOfTime(solution) : solution
    }

    /// Which side of a conflict a settlement keeps: the previous stage's choice when there is one
    /// (so that its solution, which satisfies every guard, stays feasible), else the relaxation's
    /// leaning on the binary, else buying when the solution buys more of the symbol than it sells.
    private func allowsPurchases(
        _ candidate: RebalanceModel.GuardCandidate, _ built: RebalanceModel, _ solution: Solution,
        previous: [Double]?, _ binaries: [Int: Variable]
    ) -> Bool {
        if let previous { return built.purchased(candidate, in: previous) > RebalanceModel.tradeEpsilon }
        if let z = binaries[candidate.symbol] { return solution[z] >= 0.5 }
        return built.purchased(candidate, in: solution.values) >= built.sold(candidate, in: solution.values)
    }

    private func addGuards(
        _ symbols: [Int], _ built: RebalanceModel, _ session: Solver.Session, _ binaries: inout [Int: Variable]
    ) throws(LinearProgrammingError) {
        for symbol in symbols {
            guard let candidate = built.guardCandidate(symbol: symbol) else { continue }
            let z = try session.addVariable(Column(lower: 0, upper: 1, isBinary: true))
            for row in built.guardRows(candidate, binary: z) { _ = try session.addConstraint(row) }
            binaries[symbol] = z
        }
    }

    /// Holds each symbol's loss sales (true: purchases allowed) or purchases (false) at zero.
    private func settle(
        _ choices: [Int: Bool], _ built: RebalanceModel, _ session: Solver.Session
    ) throws(LinearProgrammingError) {
        for (symbol, allowPurchases) in choices {
            guard let candidate = built.guardCandidate(symbol: symbol) else { continue }
            for variable in built.settlement(candidate, allowPurchases: allowPurchases) {
                try session.setBounds(variable, lower: 0, upper: 0)
            }
        }
    }

    /// Gives settled symbols their model bounds back.
    private func release(
        _ symbols: [Int], _ built: RebalanceModel, _ session: Solver.Session
    ) throws(LinearProgrammingError) {
        for symbol in symbols {
            guard let candidate = built.guardCandidate(symbol: symbol) else { continue }
            for variable in built.settlementVariables(candidate) {
                let column = built.model.columns[variable.index]
                try session.setBounds(variable, lower: column.lower, upper: column.upper)
            }
        }
    }

    private func tracedSolve(
        _ session: Solver.Session, _ binaries: [Int: Variable], relaxed: Bool, incumbent: [Double]? = nil
    ) -> Solution {
        let started = Trace.now()
        let solution =
            relaxed ? session.solveRelaxation() : incumbent.map { session.solve(incumbent: $0) } ?? session.solve()
        Trace.log {
            "\(relaxed ? "relaxation" : "solve"): \(solution.status.name), objective \(solution.objectiveValue), "
                + "\(binaries.count) binaries, "
                + "\(session.variableCount) columns, \(session.constraintCount) rows, \(Trace.since(started)) s"
        }
        return solution
    }

    private func extract(_ built: RebalanceModel, _ solution: Solution, strategy: Strategy, marginal: Double?) -> Plan {
        let household = built.household
        // Below half a cent a value is solver noise, not a trade: it would print as $0.00.
        let epsilon = 0.005
        var shares = [Double](repeating: 0, count: household.lots.count)
        for (l, lot) in household.lots.enumerated() {
            let dollars = solution[built.sells[l]]
            if dollars >= lot.value - epsilon {
                shares[l] = lot.shares
            } else if dollars > epsilon {
                shares[l] = dollars / lot.price
            }
        }
        var purchases: [Plan.Purchase] = []
        for p in built.purchases {
            let amount = solution[p.variable]
            if amount > epsilon { purchases.append(Plan.Purchase(account: p.account, symbol: p.symbol, amount: amount)) }
        }
        // A guard row can let through a cent-sized purchase beside a loss sale (the solver's
        // tolerances): under a dollar that is noise and goes; anything larger is a failure.
        var status = PlanStatus(solution.status)
        for candidate in built.guardCandidates {
            let lossSold = candidate.lossLots.reduce(0) { $0 + shares[$1] * household.lots[$1].price }
            let bought = purchases.filter { $0.symbol == candidate.symbol }.reduce(0) { $0 + $1.amount }
            guard lossSold > 0, bought > 0 else { continue }
            if bought < 1 {
                purchases.removeAll { $0.symbol == candidate.symbol }
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
}
