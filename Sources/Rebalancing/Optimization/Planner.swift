import LinearProgramming

/// Makes a plan under any strategy: the optimizer for optimizing strategies, the baselines'
/// own rules for `fifo` and `m1`. With `verify`, every plan is checked by ``PlanVerifier``
/// (independent of the model builder) and one that fails is never returned as valid.
///
/// The solver is injected: any `MIPDualSolver` (a backend with 0/1 variables and duals), with
/// its own options such as a time limit. The domain never picks one.
public struct Planner: Sendable {
    public let solver: any MIPDualSolver
    /// On by default in debug builds (and so in tests); `--verify` turns it on in release.
    public let verify: Bool

    public static let verifiesByDefault = _isDebugAssertConfiguration()

    public init(solver: some MIPDualSolver, verify: Bool = Planner.verifiesByDefault) {
        self.solver = solver
        self.verify = verify
    }

    /// The size (variables, constraints) of a strategy's LP, built but not solved: model
    /// building measured apart from solving.
    public static func modelSize(_ household: Household, strategy: Strategy) -> (variables: Int, constraints: Int) {
        let model = RebalanceModel(household, strategy: strategy.kind).model
        return (model.variableCount, model.constraintCount)
    }

    public func plan(_ household: Household, strategy: Strategy) -> Plan {
        switch strategy.kind {
        case .fifo:
            return fifo(household, full: plan(household, strategy: .full), strategy: strategy)
        case .m1:
            return checked(Baselines.m1(household, strategy: strategy), household)
        case .cashOnly, .full, .taxBudget, .taxAware, .band:
            return checked(optimize(household, strategy: strategy, stages: strategy.kind.stages, with: solver), household)
        }
    }

    /// Solve `index` of several strategies of one household planned side by side: an optimizing
    /// strategy's first LP starts from an earlier solve's basis where the matrix is the same, and
    /// offers its own to the later ones (`StartingBasis`). The plan is optimal either way; which of
    /// several equally good plans it is may depend on the earlier solves (never on the threads).
    func plan(_ household: Household, strategy: Strategy, bases: StartingBases, index: Int) -> Plan {
        defer { bases.offer(index, nil) }
        switch strategy.kind {
        case .fifo, .m1:
            return plan(household, strategy: strategy)
        case .cashOnly, .full, .taxBudget, .taxAware, .band:
            return checked(
                optimize(household, strategy: strategy, with: solver, starting: bases.before(index)) { bases.offer(index, $0) },
                household)
        }
    }

    /// A plan with the least Tax any valid plan can have (then the least drift, harvest and
    /// turnover at that tax): where the tax–drift frontier starts. A forced withdrawal can make
    /// it positive.
    public func leastTax(_ household: Household) -> Plan {
        checked(
            optimize(household, strategy: .full, stages: [.tax, .misallocation, .harvest, .turnover], with: solver),
            household)
    }

    /// The `fifo` baseline from an existing `full` plan.
    public func fifo(_ household: Household, full: Plan, strategy: Strategy) -> Plan {
        checked(Baselines.fifo(household, full: full, strategy: strategy), household)
    }

    private func optimize(
        _ household: Household, strategy: Strategy, stages: [Stage], with solver: some MIPDualSolver
    ) -> Plan {
        Optimizer(solver: solver).plan(household, strategy: strategy, stages: stages)
    }

    private func optimize(
        _ household: Household, strategy: Strategy, with solver: some MIPDualSolver, starting: [StartingBasis],
        offer: (StartingBasis?) -> Void
    ) -> Plan {
        Optimizer(solver: solver).plan(household, strategy: strategy, stages: strategy.kind.stages, starting: starting, offer: offer)
    }

    /// Frees what the solver keeps for the calling thread: a worker thread calls it before it ends.
    public func releaseThreadResources() {
        solver.releaseThreadResources()
    }

    private func checked(_ plan: Plan, _ household: Household) -> Plan {
        guard verify, plan.hasTrades else { return plan }
        let problems = PlanVerifier(household).violations(of: plan)
        guard !problems.isEmpty else { return plan }
        return .none(
            plan.strategy, household,
            status: .numericalFailure("the plan failed independent verification: " + problems.joined(separator: "; ")))
    }
}
