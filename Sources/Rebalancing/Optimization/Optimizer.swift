import LinearProgramming

/// Solves a strategy's stages in order (docs/strategies.md): each later stage holds every earlier stage at
/// its optimum. docs/strategies.md allows a later stage to let an earlier one rise by up to
/// `0.01 + 1e-7·Σ I_G`; that is a ceiling, not a budget to spend (a turnover stage allowed the
/// whole of it would leave a cent of a deposit unspent and pick dust lots). Stages are held to a
/// far tighter margin (`1e-6 + 1e-11·Σ I_G`), relaxed to the contract's only if the tight margin makes a
/// stage fail numerically.
///
/// Branch and bound (whole shares, minimum trades) need not prove a stage's optimum exactly:
/// docs/strategies.md defines it only up to that margin. A stage that later stages hold may stop once its best
/// plan is within `stageGap` (the stage margin less the tight one) of a proven lower bound β on its
/// optimum z*; the later stages then hold it at β + the stage margin, not at the plan's value plus
/// a margin. Since β ≤ z*, every later plan is within the stage margin of z*; the plan found is
/// within β + stageGap, so it stays feasible with the tight margin's room to spare. The last stage
/// (held by none) is solved to its optimum. See docs/engineering.md, "Stopping within the margin".
///
/// Tax is piecewise linear and not convex: it is the least of two convex branches (see
/// `TaxModel`). A stage whose objective or rows contain Tax is solved once per branch the plans
/// can reach, and its optimum is the least over the branches; later stages are solved again in
/// every branch that reached it (a tie may be broken either way by a later stage). Stages before
/// any Tax (drift, banded drift, with no budget) are solved once. The wash-sale guard is
/// enforced inside every solve (see `solveGuarded`, in WashSaleGuard.swift).
public struct Optimizer<Solver: MIPDualSolver>: Sendable {
    public let solver: Solver

    public init(solver: Solver) { self.solver = solver }

    /// docs/strategies.md's tolerance: how far a later stage may let an earlier stage's value rise.
    public static func stageTolerance(_ household: Household) -> Double {
        0.01 + 1e-7 * household.totalInvestable
    }

    static func tightTolerance(_ household: Household) -> Double {
        1e-6 + 1e-11 * household.totalInvestable
    }

    /// How far above a proven lower bound a stage that later stages hold may stop (see the type's
    /// notes): the stage margin less the tight one.
    static func stageGap(_ household: Household) -> Double {
        stageTolerance(household) - tightTolerance(household)
    }

    public func plan(_ household: Household, strategy: Strategy) -> Plan {
        plan(household, strategy: strategy, stages: strategy.kind.stages)
    }

    /// The plan minimizing `stages` in order under the strategy's constraints. Its program is the
    /// last of `starting`'s where that is the same, and its first LP starts from the last of
    /// `starting` whose matrix is the same (`StartingBasis`); the basis it ends at is handed to
    /// `offer` (nil when there is none to give), once, as soon as it is known.
    func plan(
        _ household: Household, strategy: Strategy, stages: [Stage], starting: [StartingBasis] = [],
        offer: (StartingBasis?) -> Void = { _ in }
    ) -> Plan {
        let shape = RebalanceModel.Shape(strategy.kind, stages: stages)
        let built = StartingBasis.program(household, shape: shape, stages: stages, from: starting)
        guard !built.stages.isEmpty else {
            return .none(strategy, household, status: .numericalFailure("\(strategy.name) is not an optimizing strategy"))
        }
        do throws(LinearProgrammingError) {
            return try solveStages(built, strategy: strategy, starting: starting, offer: offer)
        } catch {
            return .none(strategy, household, status: .numericalFailure("the model was refused: \(error)"))
        }
    }

    private func solveStages(
        _ built: RebalanceModel, strategy: Strategy, starting: [StartingBasis], offer: (StartingBasis?) -> Void
    ) throws(LinearProgrammingError) -> Plan {
        let household = built.household
        Trace.log { "strategy \(strategy.name): \(built.taxBranches.count) tax branches, \(built.guardCandidates.count) guard candidates" }
        let enumerates = built.taxBranches.count > 1
        // The rows holding each stage but the last at its optimum, in the model from the start
        // with no bounds (each gets its bound once its stage is solved, per branch that reached
        // it): the matrix then changes only where a wash-sale guard is added, and GLPK keeps its
        // scaling and basis factorization from stage to stage (a new row discards both).
        var model = built.model
        var stageRows: [[Int?: ConstraintRef]] = []
        for stage in built.stages.dropLast() {
            let base = built.objective(stage)
            var rows: [Int?: ConstraintRef] = [:]
            if stage.includesTax {
                for (b, branch) in built.taxBranches.enumerated() { rows[enumerates ? b : nil] = model.addConstraint(base + branch.terms) }
            } else {
                rows[nil] = model.addConstraint(base)
            }
            stageRows.append(rows)
        }
        let session = try solver.makeSession(model)
        if StartingBasis.start(session, built, from: starting) {
            Trace.log { "first LP from another strategy's basis" }
        } else if StartingBasis.applies(to: built), let writer = session as? any BasisSession {
            // Else from the plan that trades nothing (``StartingBasis/noTrade(_:rows:)``).
            writer.warmStart(StartingBasis.noTrade(built, rows: session.constraintCount))
        }
        /// Whether the first LP's basis is still to be offered. Where none will be, the later
        /// strategies are told so now: they wait for this offer, and would otherwise wait for this
        /// whole solve (direct indexing and order rules would be planned one at a time).
        var offers = StartingBasis.applies(to: built)
        if !offers { offer(nil) }
        let tight = Self.tightTolerance(household)
        /// The binaries of the wash-sale guards added so far, by symbol.
        var binaries: [Int: Variable] = [:]
        var held = built.budgetRows.enumerated().map { b, budget in
            HeldRow(row: budget.row, branch: enumerates ? b : nil, upper: budget.upper, takesMargin: false)
        }
        if !enumerates { try hold(held, branch: nil, margin: tight, session) }
        /// Branches that reached every optimum so far.
        var branches: [Int?] = enumerates ? built.taxBranches.indices.map { $0 } : [nil]
        // A budget below zero in T's terms leaves F1 (the first of two branches) no plan that F2
        // does not hold at a Tax no higher (TaxModel): every stage is solved in F2 alone. (On
        // direct-indexing households the frontier's budget is a net loss, and F1's drift stage,
        // 13.74 against F2's 0, cost 36 s of settlement to prove.)
        if branches == [0, 1], let budget = strategy.kind.taxBudget,
            budget + built.taxWithoutPlan + Self.stageTolerance(household) < 0
        {
            branches = [1]
        }
        /// Whether Tax has appeared in a row or an objective: from then on, stages are solved per branch.
        var taxSeen = !built.budgetRows.isEmpty
        /// The previous stage's solutions by branch (nil: solved once for every branch); each
        /// satisfies every row of its branch in this stage.
        var previous: [Int?: Solution] = [:]
        var winner = Solution(status: .infeasible)
        var marginal: Double?
        var drift: ConstraintRef?
        /// The wash-sale sides every plan within the stage margin of the drift stages solved so far
        /// takes (SeparableDriftBound.swift), by symbol.
        var forced: [Int: Bool] = [:]
        /// A κ·D + Tax stage's Lagrangian bound per branch (LagrangianBound.swift).
        var records: [Int?: LagrangianRecord] = [:]
        /// Whether the previous stage was held at its proven optimum (not at a bound below it).
        var previousExact = false

        for (k, stage) in built.stages.enumerated() {
            taxSeen = taxSeen || stage.includesTax
            // The stages held at the first one's whole-share optimum: branch and bound branches
            // on the household's net whole shares first (ExecutableOrders.branchFirst). Not the
            // first stage: there the closed-form drift bound and the searches' own rules prove
            // what they prove (`401k-menu.yaml` took 1.2 s rather than 0.35 s with it).
            if k == 1 { try session.setBranchFirst(built.orders.branchFirst) }
            var candidates: [Int?] = taxSeen ? branches : [nil]
            // F2 first when its optimum may make F1 needless (see TaxModel): a net loss this year.
            let secondFirst = stage.includesTax && built.budgetRows.isEmpty && candidates == [0, 1]
            if secondFirst { candidates.reverse() }
            let base = built.objective(stage)
            func tax(_ branch: Int?) -> TaxModel.Branch { built.taxBranches[branch ?? 0] }
            let gap = k + 1 < built.stages.count ? Self.stageGap(household) : 0

            var outcomes: [Outcome] = []
            // A drift first stage on a large household: solved on merged lots (AggregatedDrift.swift).
            let merged = k == 0 && AggregatedDrift.isEnabled ? try aggregatedFirstStage(built, session, strategy: strategy) : nil
            // tax-aware's and tax-budget's first stage starts from the merged drift optimum's basis.
            if k == 0 && AggregatedDrift.isEnabled && AggregatedDrift.warmStarts(built) {
                _ = try aggregatedFirstStage(built, session, strategy: strategy, stage: .misallocation)
            }
            if let merged {
                outcomes = [Outcome(branch: nil, solution: merged, value: merged.objectiveValue, bound: merged.objectiveValue)]
            }
            for margin in merged == nil ? [tight, Self.stageTolerance(household)] : [] {
                outcomes = []
                // (The exact-change rows hold only with the stages held as when they were added.)
                if margin != tight { try built.orders.exactChange?.release(session) }
                for branch in candidates {
                    if enumerates || margin != tight { try hold(held, branch: branch, margin: margin, session) }
                    let objective = base + (stage.includesTax ? tax(branch).terms : [])
                    let start = previous[branch] ?? previous[nil]
                    let solution: Solution
                    if objective.isEmpty, let start {
                        // Nothing to minimize (cash-only's Tax when no lot may be sold): the
                        // previous stage's plan, which satisfies every row of this one, is optimal.
                        solution = Solution(
                            status: .optimal, values: start.values, duals: [Double](repeating: 0, count: start.duals.count))
                    } else if stage == .turnover, k > 0, built.stages[k - 1] == .harvest, previousExact,
                        built.harvestIsScaledTurnover, let start
                    {
                        // Harvest is tradingCost·Turn on every plan (RebalanceModel): the harvest
                        // stage's plan, proven optimal, has the least Turn of every plan this stage
                        // allows (most cash-only plans with a deposit: one LP fewer).
                        solution = Solution(
                            status: .optimal, objectiveValue: built.turnover(at: start.values), values: start.values,
                            duals: [Double](repeating: 0, count: start.duals.count))
                    } else {
                        try session.setObjective(objective)
                        records[branch] = built.lagrangianApplies(stage) ? LagrangianRecord(built, objective: objective, branch: tax(branch)) : nil
                        solution = try solveGuarded(
                            built, session, &binaries, previous: start?.values, gap: gap,
                            // (In the objective's terms: the branch's value less its constant.)
                            cutoff: Self.cutoff(outcomes, tight: tight, stage: Self.stageTolerance(household))
                                - (stage.includesTax ? tax(branch).constant : 0),
                            floor: { built.separableBound(stage) }, stop: { built.driftFloor(stage) }, forced: { forced },
                            lagrangian: records[branch] ?? nil,
                            relaxed: { optimal in
                                guard offers else { return }
                                offers = false
                                offer(optimal ? StartingBasis(built, session) : nil)
                            }, wholeShareStart: k == 0 && Self.startsInWholeShares(stage), startCloses: stage == .misallocation)
                    }
                    Trace.log { "stage \(k) \(stage) branch \(branch.map(String.init) ?? "-"): \(solution.status.name) \(solution.objectiveValue)" }
                    let constant = stage.includesTax ? tax(branch).constant : 0
                    outcomes.append(
                        Outcome(
                            branch: branch, solution: solution, value: solution.objectiveValue + constant,
                            bound: (solution.bound ?? solution.objectiveValue) + constant))
                    // A time limit or a failure decides the stage; an infeasible branch is only out.
                    if !solution.status.isOptimal && solution.status != .infeasible { break }
                    // F2's optimum below 0 in T's terms, even with the whole stage margin: F1 can
                    // neither beat it nor hold a plan F2 does not (TaxModel).
                    if secondFirst, solution.status.isOptimal,
                        outcomes.last!.value + built.taxWithoutPlan + Self.stageTolerance(household) < 0
                    {
                        break
                    }
                }
                // Exact ties go to the first branch, as when the branches are solved in order.
                outcomes.sort { ($0.branch ?? -1) < ($1.branch ?? -1) }
                // Give the earlier stages the whole stage tolerance and try once more.
                let retry = k > 0 && outcomes.allSatisfy { !$0.solution.status.isOptimal && !$0.solution.status.isTimeLimit }
                if !retry { break }
            }

            let optimal = outcomes.filter { $0.solution.status.isOptimal }
            let failed = outcomes.first { !$0.solution.status.isOptimal && $0.solution.status != .infeasible }
            guard failed == nil, let best = optimal.min(by: { $0.value < $1.value }) else {
                let solution = failed?.solution ?? outcomes.last?.solution ?? Solution(status: .infeasible)
                // At a time limit, the best point found: this stage's, else the earlier stage's
                // optimum (feasible here too), marked as not proven optimal.
                if solution.status == .timeLimit(feasible: true) && !solution.values.isEmpty {
                    return extract(built, solution, strategy: strategy, marginal: nil)
                }
                if solution.status.isTimeLimit && k > 0 {
                    var earlier = winner
                    earlier.status = .timeLimit(feasible: true)
                    return extract(built, earlier, strategy: strategy, marginal: nil)
                }
                return .none(strategy, household, status: PlanStatus(solution.status))
            }
            winner = best.solution
            let optimum = best.value
            // Where branch and bound stopped within `gap`, a lower bound on the optimum over every
            // branch: later stages hold the stage at it plus the stage margin, not at `optimum`.
            // (A closure, not `\.bound`: a key path into this generic type is built at run time
            // on every call, about 1% of a batch's instructions.)
            let lowest = optimal.map { $0.bound }.min() ?? optimum
            let hold = lowest < optimum - tight ? lowest + Self.stageTolerance(household) : nil
            previousExact = hold == nil
            Trace.log { "stage \(k) \(stage): optimum \(optimum)\(hold.map { ", held at the bound \(lowest) + margin: \($0)" } ?? "") (branches solved: \(outcomes.map { $0.branch.map(String.init) ?? "-" }.joined(separator: ",")))" }
            // Branches within the margin of the optimum stay: a later stage may prefer either.
            // Held at a bound, a branch stays where its bound is below the hold; its plan starts
            // the next stage only where it satisfies the hold.
            let reached = optimal.filter { outcome in hold.map { outcome.bound <= $0 } ?? (outcome.value <= optimum + tight) }
            if taxSeen { branches = reached.map { $0.branch } }
            let starts = reached.filter { outcome in hold.map { outcome.value <= $0 - tight } ?? true }
            previous = Dictionary(uniqueKeysWithValues: starts.map { ($0.branch, $0.solution) })

            // In the tax stage, the dual of the drift row prices one more dollar of drift in tax.
            if k == 1, stage == .tax, let drift {
                marginal = -best.solution.dual(drift)
            }
            // Later stages hold this one at its optimum.
            guard k + 1 < built.stages.count else { break }
            // (Every later plan is within the stage margin of the optimum, however it is held.) On
            // every household: they spare the later stages' relaxations the conflicts they settle
            // (on typical households of 60 lots, 12% fewer LPs and 10% fewer branch and bounds
            // under cash-only, full and tax-aware). They were once kept to households of
            // direct-indexing size because GLPK's warm start found a small household's turnover
            // stage infeasible with them; only a fresh basis's verdict of infeasible is believed
            // now (GLPKProblem.simplex), and `solveGuarded` drops them if the relaxation with
            // them is not optimal all the same.
            if !built.guardCandidates.isEmpty {
                forced.merge(built.forcedSides(stage, atMost: optimum + Self.stageTolerance(household))) { $1 }
                // A κ·D + Tax stage: the sides its Lagrangian bound forces in every branch that stays.
                let bounds = reached.map { records[$0.branch] ?? nil }
                if !bounds.isEmpty, !bounds.contains(where: { $0 == nil }) {
                    let sides = zip(reached, bounds).map { outcome, record in
                        record!.fixedSides(atMost: optimum + Self.stageTolerance(household) - tax(outcome.branch).constant)
                    }
                    let common = sides[0].filter { symbol, side in sides.allSatisfy { $0[symbol] == side } }
                    Trace.log { "stage \(k): \(common.count) sides forced by the Lagrangian bound" }
                    forced.merge(common) { $1 }
                }
                records = [:]
            }
            // (At the optimum plus the tight margin, or at the bound plus the stage margin.)
            let upper = hold ?? optimum
            let margin = hold == nil ? tight : 0
            if stage.includesTax {
                for branch in branches {
                    let row = stageRows[k][branch]!
                    let bound = upper - tax(branch).constant
                    try session.setBounds(row, lower: -.infinity, upper: bound + margin)
                    held.append(HeldRow(row: row, branch: branch, upper: bound, takesMargin: hold == nil))
                }
            } else {
                let row = stageRows[k][nil]!
                try session.setBounds(row, lower: -.infinity, upper: upper + margin)
                held.append(HeldRow(row: row, branch: nil, upper: upper, takesMargin: hold == nil))
                if k == 0 { drift = row }
            }
            // Whole shares under band: the accounts whose leftover cash the stages held now pin
            // trade some symbols in steps only (exact change, ExchangeLattice.swift).
            if let exactChange = built.orders.exactChange, !exactChange.released {
                try self.hold(held, branch: nil, margin: tight, session)
                try addExactChange(built, session, plan: winner)
            }
        }
        return extract(built, winner, strategy: strategy, marginal: marginal)
    }

    /// The value above which a further branch of a stage can neither win nor stay, given the
    /// branches solved so far (`outcomes`; +∞ when none is optimal): their optimum plus the tight
    /// margin, or, where a branch stopped within the gap below it, their least bound plus the
    /// stage margin (the hold later stages would get). A branch whose plans all lie above it
    /// changes neither the stage's optimum, its hold, nor the branches kept (see `solveStages`).
    static func cutoff(_ outcomes: [Outcome], tight: Double, stage: Double) -> Double {
        let optimal = outcomes.filter { $0.solution.status.isOptimal }
        guard let optimum = optimal.map({ $0.value }).min(), let lowest = optimal.map({ $0.bound }).min() else { return .infinity }
        return lowest < optimum - tight ? lowest + stage : optimum + tight
    }

    /// Makes the rows of `branch` (and those for every branch) hold, with `margin` on the stage
    /// rows, and frees the other branches' rows.
    private func hold(
        _ rows: [HeldRow], branch: Int?, margin: Double, _ session: Solver.Session
    ) throws(LinearProgrammingError) {
        for held in rows {
            let active = held.branch == nil || held.branch == branch
            try session.setBounds(
                held.row, lower: -.infinity, upper: active ? held.upper + (held.takesMargin ? margin : 0) : .infinity)
        }
    }
}

// (The optimizer's own values, at file scope rather than nested in the generic `Optimizer`:
// nested, their arrays' filter, map, sort and min ran as unspecialized generic code, with
// metadata looked up at every call, about 2% of a batch's instructions.)

/// A row holding an earlier stage at its optimum (or tax-budget's budget), for one tax
/// branch or (nil) for all.
private struct HeldRow {
    let row: ConstraintRef
    let branch: Int?
    /// The bound before any margin.
    let upper: Double
    /// Whether the margin is added (a stage held at its optimum); not for a budget, nor for a
    /// stage held at its lower bound plus the stage margin already.
    let takesMargin: Bool
}

/// One branch's solution of a stage.
struct Outcome {
    let branch: Int?
    let solution: Solution
    /// The stage's value: the objective plus its constant part.
    let value: Double
    /// A proven lower bound on the branch's optimum, in the same terms (`value` when proven optimal).
    let bound: Double
}
