import LinearProgramming

/// Solves a strategy's stages in order (MODEL §4): each later stage keeps every earlier stage's
/// value within `0.01 + 1e-7·Σ I_G` of its optimum.
///
/// That tolerance is the most a later stage may give up, not a budget to spend: a turnover stage
/// allowed the whole of it would leave a cent of a deposit unspent and pick dust lots. Stages are
/// therefore held to a far tighter margin (`1e-6 + 1e-11·Σ I_G`), and relaxed to MODEL's tolerance
/// only if the tight margin makes a stage fail numerically.
///
/// The wash-sale guard is added lazily: each stage is solved without the guards not yet
/// needed; a symbol that the solution both buys and sells at a loss gets its binary and the
/// stage is solved again. A solution satisfying every guard is optimal for the full model,
/// and only symbols where the conflict really arises cost a binary.
public struct Optimizer<Solver: LinearSolver>: Sendable {
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
        var guarded = Set<Int>()
        var solution = Solution(status: .infeasible)
        /// Each earlier stage's row and optimum.
        var stageRows: [(row: ConstraintRef, optimum: Double)] = []
        var marginal: Double?

        for (k, objective) in built.stages.enumerated() {
            if k > 0 {
                let optimum = solution.objectiveValue
                let row = try session.addConstraint(
                    Row(built.stages[k - 1], upper: optimum + Self.tightTolerance(household)))
                stageRows.append((row, optimum))
            }
            try session.setObjective(objective)
            solution = try solveGuarded(built, session, guarded: &guarded)
            if !solution.status.isOptimal && k > 0 {
                // Give the earlier stages MODEL's whole tolerance and try once more.
                for (row, optimum) in stageRows {
                    try session.setBounds(row, lower: -.infinity, upper: optimum + Self.stageTolerance(household))
                }
                solution = try solveGuarded(built, session, guarded: &guarded)
            }
            guard solution.status.isOptimal else {
                let partial = solution.status == .timeLimit(feasible: true) && !solution.values.isEmpty
                return partial
                    ? extract(built, solution, strategy: strategy, marginal: nil)
                    : .none(strategy, household, status: solution.status)
            }
            // In the tax stage, the dual of the drift row prices one more dollar of drift in tax.
            if k == 1, built.stages[1] == built.lotTax, let drift = stageRows.first {
                marginal = -solution.dual(drift.row)
            }
        }
        return extract(built, solution, strategy: strategy, marginal: marginal)
    }

    /// Solves the loaded stage, adding the binary of every symbol the solution both buys and
    /// sells at a loss, until no guard is broken.
    private func solveGuarded(
        _ built: RebalanceModel, _ session: Solver.Session, guarded: inout Set<Int>
    ) throws(LinearProgrammingError) -> Solution {
        while true {
            let started = Trace.now()
            let solution = session.solve()
            Trace.log {
                "solve: \(solution.status.name), objective \(solution.objectiveValue), \(guarded.count) guards, "
                    + "\(session.variableCount) columns, \(session.constraintCount) rows, \(Trace.since(started)) s"
            }
            guard solution.status.isOptimal else { return solution }
            let conflicts = built.conflicts(in: solution.values, excluding: guarded)
            if conflicts.isEmpty { return solution }
            for candidate in conflicts {
                let z = try session.addVariable(Column(lower: 0, upper: 1, isBinary: true))
                for row in built.guardRows(candidate, binary: z) { _ = try session.addConstraint(row) }
                guarded.insert(candidate.symbol)
            }
        }
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
        // A guard row can let through a cent-sized purchase beside a loss sale (GLPK's
        // tolerances): under a dollar that is noise and goes; anything larger is a failure.
        var status = solution.status
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

extension Optimizer where Solver == GLPKSolver {
    public init(options: SolverOptions = SolverOptions()) {
        self.init(solver: GLPKSolver(options: options))
    }
}
