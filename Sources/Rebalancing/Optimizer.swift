import LinearProgramming

/// Solves a strategy's stages in order (MODEL §4), each later stage keeping every earlier
/// stage's value within `0.01 + 1e-7·Σ I_G` of its optimum.
///
/// The wash-sale guard is added lazily: each stage is solved without the guards not yet
/// needed; a symbol that the solution both buys and sells at a loss gets its binary and the
/// stage is solved again. A solution satisfying every guard is optimal for the full model,
/// and only symbols where the conflict really arises cost a binary.
public struct Optimizer<Solver: LinearSolver>: Sendable {
    public let solver: Solver

    public init(solver: Solver) { self.solver = solver }

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
        let tolerance = 0.01 + 1e-7 * household.totalInvestable
        var guarded = Set<Int>()
        var solution = Solution(status: .infeasible)
        var driftRow: ConstraintRef?
        var marginal: Double?

        for (k, objective) in built.stages.enumerated() {
            if k > 0 {
                let row = try session.addConstraint(Row(built.stages[k - 1], upper: solution.objectiveValue + tolerance))
                if k == 1 { driftRow = row }
            }
            try session.setObjective(objective)
            while true {
                solution = session.solve()
                guard solution.status.isOptimal else {
                    let partial = solution.status == .timeLimit(feasible: true) && !solution.values.isEmpty
                    return partial
                        ? extract(built, solution, strategy: strategy, marginal: nil)
                        : .none(strategy, household, status: solution.status)
                }
                let conflicts = built.conflicts(in: solution.values, excluding: guarded)
                if conflicts.isEmpty { break }
                for candidate in conflicts {
                    let z = try session.addVariable(Column(lower: 0, upper: 1, isBinary: true))
                    for row in built.guardRows(candidate, binary: z) { _ = try session.addConstraint(row) }
                    guarded.insert(candidate.symbol)
                }
            }
            // In the tax stage, the dual of the drift row prices one more dollar of drift in tax.
            if k == 1, let driftRow, built.stages[1] == built.lotTax {
                marginal = solution.dual(driftRow)
            }
        }
        return extract(built, solution, strategy: strategy, marginal: marginal)
    }

    private func extract(_ built: RebalanceModel, _ solution: Solution, strategy: Strategy, marginal: Double?) -> Plan {
        let household = built.household
        let epsilon = RebalanceModel.tradeEpsilon
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
        return Plan(
            strategy: strategy, status: solution.status, sharesSold: shares, purchases: purchases,
            marginalTaxPerDollar: marginal)
    }
}

extension Optimizer where Solver == GLPKSolver {
    public init(options: SolverOptions = SolverOptions()) {
        self.init(solver: GLPKSolver(options: options))
    }
}
