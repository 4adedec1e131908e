internal import CGLPK
import LinearProgramming
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What GLPK's branch-and-bound callback does for one run: offers the incumbent once, at the
/// first node, stops the search at the run's node limit, and stops it once the incumbent is
/// within the run's gap of the least bound of the active nodes.
private final class SearchControl {
    /// The incumbent, 1-based, the integer columns whole (GLPK refuses a point that is not
    /// integral there); nil for none.
    private let incumbent: [Double]?
    private var offered = false
    private let nodeLimit: Int32?
    private let gap: Double
    /// A lower bound on the optimum known beforehand (the run's floor).
    private let floor: Double
    private(set) var stoppedAtNodeLimit = false
    /// The least bound of the active nodes when the search stopped within the gap.
    private(set) var stoppedWithinGap: Double?
    /// The least bound of the active nodes when the search stopped at its node limit.
    private(set) var nodeLimitBound: Double?
    /// The basis of the node whose LP gave the last integer point found, with that point's
    /// objective value (rows and columns 1-based, as GLPK numbers them; only when the node's
    /// problem has the model's rows, no cuts).
    private(set) var foundAt: (value: Double, rows: [Int32], columns: [Int32])?
    private let rowCount: Int32

    /// The columns to branch on first, tier by tier (``MIPSession/setBranchFirst(_:)``, then the 0/1
    /// columns); empty: GLPK's own rule throughout.
    private let tiers: [[Int32]]

    init(
        _ run: BranchAndBoundRun, variableCount: Int, constraintCount: Int, integerColumns: [Int32], tiers: [[Int32]] = []
    ) {
        self.tiers = tiers.filter { !$0.isEmpty }
        rowCount = Int32(constraintCount)
        if let values = run.incumbent, values.count == variableCount, values.allSatisfy(\.isFinite) {
            var offer = [0] + values
            for j in integerColumns { offer[Int(j)] = offer[Int(j)].rounded() }
            incumbent = offer
        } else {
            incumbent = nil
        }
        nodeLimit = run.nodeLimit.map { Int32(clamping: max(1, $0)) }
        gap = run.gap.isFinite ? max(0, run.gap) : 0
        floor = run.floor.isNaN ? -.infinity : run.floor
    }

    func callback(_ tree: OpaquePointer) {
        switch glp_ios_reason(tree) {
        case GLP_IBRANCH:
            // The most fractional column of the first tier with one GLPK may branch on (an
            // integer column fractional at this node); GLPK picks the branch to explore first.
            guard !tiers.isEmpty, let prob = glp_ios_get_prob(tree) else { return }
            for tier in tiers {
                var chosen: Int32 = 0, nearest = Double.infinity
                for j in tier where glp_ios_can_branch(tree, j) != 0 {
                    let value = glp_get_col_prim(prob, j)
                    let distance = abs(value - value.rounded(.down) - 0.5)
                    if distance < nearest { (chosen, nearest) = (j, distance) }
                }
                if chosen != 0 {
                    glp_ios_branch_upon(tree, chosen, GLP_NO_BRNCH)
                    return
                }
            }
        case GLP_IBINGO:
            guard let prob = glp_ios_get_prob(tree), glp_get_num_rows(prob) == rowCount else { return }
            let n = glp_get_num_cols(prob)
            foundAt = (
                glp_mip_obj_val(prob), (0..<rowCount).map { glp_get_row_stat(prob, $0 + 1) },
                (0..<n).map { glp_get_col_stat(prob, $0 + 1) }
            )
        case GLP_IHEUR:
            guard let incumbent, !offered else { return }
            offered = true
            _ = glp_ios_heur_sol(tree, incumbent)
        case GLP_ISELECT:
            // Every node not yet explored is active; the best of them bounds every point left
            // (the incumbent's subtree is done), so incumbent − that bound bounds the incumbent's
            // distance from the optimum.
            // (The run's floor bounds every point too.)
            if gap > 0, let prob = glp_ios_get_prob(tree), glp_mip_status(prob) == GLP_FEAS {
                let best = glp_ios_best_node(tree)
                if best != 0 || floor.isFinite {
                    let bound = max(best != 0 ? glp_ios_node_bound(tree, best) : -.infinity, floor)
                    if bound.isFinite, glp_mip_obj_val(prob) - bound <= gap {
                        stoppedWithinGap = bound
                        glp_ios_terminate(tree)
                        return
                    }
                }
            }
            guard let nodeLimit else { return }
            var total: Int32 = 0
            glp_ios_tree_size(tree, nil, nil, &total)
            if total >= nodeLimit {
                stoppedAtNodeLimit = true
                let best = glp_ios_best_node(tree)
                if best != 0 {
                    let bound = glp_ios_node_bound(tree, best)
                    if bound.isFinite { nodeLimitBound = bound }
                }
                glp_ios_terminate(tree)
            }
        default:
            return
        }
    }
}

/// Owns one `glp_prob`: the only place a GLPK pointer lives. Every index, bound and number is
/// checked before it reaches C (GLPK aborts on invalid arguments); every return code goes through
/// ``GLPKRoutine/check(_:)``.
///
/// Not `Sendable`: GLPK keeps its state per thread, so a problem is created, solved and deleted on
/// one thread. Using it on another is a precondition failure (a programming error no input can
/// cause), not a solver result.
public final class GLPKProblem: MIPSession, DualSession, BasisSession {
    let problem: OpaquePointer
    private let owner: pthread_t
    private let options: SolverOptions
    public var variableCount: Int { columnCount }
    public var constraintCount: Int { rowCount }
    // (Private, read and written only here: checked for exclusive access when compiled, not at
    // every access, as a public property's would be: two such checks were a third of the cost of
    // setting a column's bounds.)
    private var columnCount = 0
    private var rowCount = 0
    /// 1-based columns of the integer variables (0/1 and general), with their own bounds.
    private(set) var integerColumns: [(j: Int32, column: Column)] = []
    /// Whether each column (0-based) is among `integerColumns`: what ``setBounds(_:lower:upper:)``
    /// asks without a walk through them. Only ever assigned whole (a change made in place would
    /// have every access checked for exclusivity at run time).
    private var isIntegerColumn: [Bool] = []
    /// 1-based columns to branch on first (``MIPSession/setBranchFirst(_:)``).
    private var branchFirst: [Int32] = []
    /// Whether ``MIPSession/setBranchFirst(_:)`` was called (the optimizer calls it from the
    /// second stage on, with the net-share columns, possibly none).
    private var branchFirstSet = false
    /// 1-based columns with a non-zero objective coefficient now.
    private var objectiveColumns: [Int32] = []
    /// Their coefficients, in the same order.
    private var objectiveCoefficients: [Double] = []
    /// Whether the objective changed since the last solve (or nothing was solved yet).
    private var objectiveChanged = true
    /// The matrix by row (0-based columns), as GLPK holds it: what the scale factors come from.
    private(set) var matrix = SparseRows()
    /// The scale factors GLPK holds now (1 for a row or column never scaled).
    private var rowScale: [Double] = []
    private var columnScale: [Double] = []
    /// Whether rows or columns were added since the factors were computed.
    private var matrixChanged = true
    /// Whether GLPK holds an optimal basic solution of the problem as it is now: the last solve
    /// (not sifted) was optimal and nothing changed since (a bound set to the value it has
    /// changes nothing). A solve then returns that solution without calling GLPK, which would
    /// only confirm it (85k instructions for a call of no iteration on a typical household's LP:
    /// the relaxation before branch and bound is often the LP the wash-sale guard just solved).
    private var holdsOptimum = false
    /// The integer values of branch and bound's last answer and the basis of the node whose LP
    /// found it: the LP with the integer columns fixed at those values starts from it (see
    /// ``fixIntegers(_:)``). Cleared by any change to the problem's rows or columns.
    private var answerBasis: (choice: [Double], rows: [Int32], columns: [Int32])?
    /// Calls to `glp_simplex` made by this problem (branch and bound's own not counted).
    private var simplexCalls = 0
    /// Whether the basis was set by ``warmStart(_:)`` since the last solve: the next solve
    /// factorizes it first, and starts from GLPK's standard basis if it cannot.
    private var startsFromGivenBasis = false

    public init(_ model: LinearModel, options: SolverOptions = SolverOptions()) throws(LinearProgrammingError) {
        // Every check `validate()`, `checkCount` and `checkedMerge` make, with the repeated terms
        // merged straight into `matrix`: the one copy of the matrix kept beside GLPK's, which
        // GLPK's is loaded from. Nothing reaches GLPK before all of it passed.
        let (matrix, objective) = try Self.checkedMatrix(model)

        self.options = options
        self.owner = pthread_self()
        glp_term_out(GLP_OFF)
        self.problem = glp_create_prob()
        glp_set_obj_dir(problem, GLP_MIN)

        // New columns and rows: GLPK makes each column fixed at 0 (non-basic) and each row free,
        // so bounds are set only where they differ, without asking GLPK what it holds (the
        // statuses come out as `setColumnBounds` and `setRowBounds` would leave them).
        if model.variableCount > 0 {
            glp_add_cols(problem, Int32(model.variableCount))
        }
        for (j, column) in model.columns.enumerated() {
            applyKindAndBounds(column, to: Int32(j + 1), fresh: true)
        }
        columnCount = model.variableCount
        isIntegerColumn = model.columns.map(\.isInteger)

        if model.constraintCount > 0 {
            glp_add_rows(problem, Int32(model.constraintCount))
        }
        // Row by row (glp_set_mat_row), not by glp_load_matrix: no coordinate arrays of the whole
        // matrix (16 bytes an entry) beside the two copies while GLPK's is built. GLPK links the
        // entries the same way either way (each new entry first in its row's and its column's
        // list, the rows in order), so its matrix is the same.
        // One pair of 1-based buffers, as long as the longest row, refilled for each row.
        // (GLPK's glp_load_matrix would cost more: it walks the entries three times, where
        // glp_set_mat_row links each into its row and its column at once and walks the row once
        // more for zeros; each entry's allocation from GLPK's pool is the same either way.)
        let longest = (0..<matrix.count).reduce(0) { max($0, matrix.start[$1 + 1] - matrix.start[$1]) }
        let indices = UnsafeMutableBufferPointer<Int32>.allocate(capacity: longest + 1)
        let values = UnsafeMutableBufferPointer<Double>.allocate(capacity: longest + 1)
        defer {
            indices.deallocate()
            values.deallocate()
        }
        model.rows.withUnsafeBufferPointer { rows in
            matrix.start.withUnsafeBufferPointer { start in
                matrix.column.withUnsafeBufferPointer { column in
                    matrix.value.withUnsafeBufferPointer { value in
                        for i in 0..<rows.count {
                            let (type, lb, ub) = Self.glpkBounds(lower: rows[i].lower, upper: rows[i].upper)
                            if type != GLP_FR { glp_set_row_bnds(problem, Int32(i + 1), type, lb, ub) }
                            let first = start[i], count = start[i + 1] - first
                            for k in 0..<count {
                                indices[k + 1] = Int32(truncatingIfNeeded: column[first + k] + 1)
                                values[k + 1] = value[first + k]
                            }
                            glp_set_mat_row(problem, Int32(i + 1), Int32(count), indices.baseAddress, values.baseAddress)
                        }
                    }
                }
            }
        }
        rowCount = model.constraintCount
        self.matrix = matrix
        rowScale = [Double](repeating: 1, count: constraintCount)
        columnScale = [Double](repeating: 1, count: variableCount)
        installObjective(objective)
    }

    deinit {
        glp_delete_prob(problem)
    }

    /// The model checked as `validate()` and `checkCount` check it, its rows and objective merged
    /// by `checkedMerge`: the same matrix, objective and first error as those run one after the
    /// other. One pass over the rows when the model passes (a row already in increasing column
    /// order with no zero is its own merge: the checks passed, nothing to sort or add), instead
    /// of a walk to check and another to merge: 9 M of the 33 M instructions making a typical
    /// household's 300 problems spent there. Anything refused: the checks and merges run again
    /// in their order, for the error they throw first.
    private static func checkedMatrix(_ model: LinearModel) throws(LinearProgrammingError) -> (SparseRows, [Term]) {
        if let checked = checkedInOnePass(model) { return checked }
        try model.validate()
        try checkCount(model.variableCount, "the number of variables")
        try checkCount(model.constraintCount, "the number of constraints")
        var merged: [[Term]] = []
        merged.reserveCapacity(model.constraintCount)
        for (i, row) in model.rows.enumerated() { merged.append(try LinearModel.checkedMerge(row.terms, row: i)) }
        let matrix = SparseRows(rows: merged)
        let objective = try LinearModel.checkedMerge(model.objective, row: nil)
        try checkCount(matrix.column.count, "the number of matrix entries")
        return (matrix, objective)
    }

    /// ``checkedMatrix(_:)``'s one pass; nil if any check would fail.
    private static func checkedInOnePass(_ model: LinearModel) -> (SparseRows, [Term])? {
        let n = model.variableCount
        do {
            for column in model.columns { try LinearModel.check(column, what: "") }
            try LinearModel.checkObjective(model.objective, variableCount: n)
            try checkCount(n, "")
            try checkCount(model.constraintCount, "")
        } catch {
            return nil
        }
        let capacity = model.rows.reduce(0) { $0 + $1.terms.count }
        var start = [Int](repeating: 0, count: model.constraintCount + 1)
        var value: [Double] = []
        var passed = true
        let column = [Int](unsafeUninitializedCapacity: capacity) { columns, columnCount in
            value = [Double](unsafeUninitializedCapacity: capacity) { values, valueCount in
                var k = 0
                for (i, row) in model.rows.enumerated() {
                    // (The row's own check, `validate()`'s: its bounds and every term's column and coefficient.)
                    do { try LinearModel.check(row, index: i, variableCount: n) } catch {
                        passed = false
                        break
                    }
                    let first = k
                    var previous = -1, ordered = true
                    for term in row.terms {
                        let j = term.variable.index, a = term.coefficient
                        if j <= previous || a == 0 { ordered = false }
                        previous = j
                        columns[k] = j
                        values[k] = a
                        k += 1
                    }
                    if !ordered {
                        // As the checks and merges one after the other would leave it (no longer than the row).
                        guard let terms = try? LinearModel.checkedMerge(row.terms, row: i) else {
                            passed = false
                            break
                        }
                        k = first
                        for term in terms {
                            columns[k] = term.variable.index
                            values[k] = term.coefficient
                            k += 1
                        }
                    }
                    start[i + 1] = k
                }
                valueCount = passed ? k : 0
            }
            columnCount = value.count
        }
        guard passed, (try? checkCount(column.count, "")) != nil,
            let objective = try? LinearModel.checkedMerge(model.objective, row: nil)
        else { return nil }
        return (SparseRows(start: start, column: column, value: value), objective)
    }

    // MARK: Changing the problem

    public func addVariable(_ column: Column) throws(LinearProgrammingError) -> Variable {
        checkThread()
        answerBasis = nil
        try LinearModel.check(column, what: "variable \(variableCount)")
        try Self.checkCount(variableCount + 1, "the number of variables")
        holdsOptimum = false
        let j = glp_add_cols(problem, 1)
        applyKindAndBounds(column, to: j, fresh: true)
        columnCount += 1
        var flags = isIntegerColumn
        isIntegerColumn = []
        flags.append(column.isInteger)
        isIntegerColumn = flags
        columnScale.append(1)
        matrixChanged = true
        return Variable(index: Int(j) - 1)
    }

    public func addConstraint(_ row: Row) throws(LinearProgrammingError) -> ConstraintRef {
        checkThread()
        answerBasis = nil
        try LinearModel.check(row, index: constraintCount, variableCount: variableCount)
        try Self.checkCount(constraintCount + 1, "the number of constraints")
        holdsOptimum = false
        let i = glp_add_rows(problem, 1)
        setRowBounds(i, lower: row.lower, upper: row.upper)
        let terms = try LinearModel.checkedMerge(row.terms, row: constraintCount)
        // GLPK's 1-based arrays, on the stack (element 0 is not read).
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: terms.count + 1) { indices in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: terms.count + 1) { values in
                for (k, term) in terms.enumerated() {
                    indices[k + 1] = Int32(term.variable.index + 1)
                    values[k + 1] = term.coefficient
                }
                glp_set_mat_row(problem, i, Int32(terms.count), indices.baseAddress, values.baseAddress)
            }
        }
        rowCount += 1
        matrix.append(terms)
        rowScale.append(1)
        matrixChanged = true
        return ConstraintRef(index: Int(i) - 1)
    }

    public func setObjective(_ terms: [Term]) throws(LinearProgrammingError) {
        checkThread()
        try LinearModel.checkObjective(terms, variableCount: variableCount)
        for j in objectiveColumns { glp_set_obj_coef(problem, j, 0) }
        objectiveChanged = true
        holdsOptimum = false
        installObjective(try LinearModel.checkedMerge(terms, row: nil))
    }

    public func setBounds(_ constraint: ConstraintRef, lower: Double, upper: Double) throws(LinearProgrammingError) {
        checkThread()
        guard constraint.index >= 0, constraint.index < constraintCount else {
            throw .constraintOutOfRange(index: constraint.index, count: constraintCount)
        }
        try LinearModel.checkBounds(lower: lower, upper: upper, what: "constraint \(constraint.index)")
        setRowBounds(Int32(constraint.index + 1), lower: lower, upper: upper)
    }

    public func setBounds(_ variable: Variable, lower: Double, upper: Double) throws(LinearProgrammingError) {
        checkThread()
        guard variable.index >= 0, variable.index < variableCount else {
            throw .variableOutOfRange(index: variable.index, count: variableCount)
        }
        try LinearModel.check(Column(lower: lower, upper: upper), what: "variable \(variable.index)")
        let j = Int32(variable.index + 1)
        guard !isIntegerColumn[variable.index] else { throw .binaryBounds(variable: variable.index) }
        setColumnBounds(j, lower: lower, upper: upper)
    }

    // MARK: Solving (the primitives the safeguards in LinearProgramming are written against)

    public var integerVariables: [Variable] { integerColumns.map { Variable(index: Int($0.j) - 1) } }

    public var integerVariablesAreBinary: Bool { integerColumns.allSatisfy(\.column.isBinary) }

    public func relaxIntegrality(_ variables: [Variable]) {
        checkThread()
        let relaxed = Set(variables.map { Int32($0.index + 1) })
        for (j, column) in integerColumns where relaxed.contains(j) && !column.isBinary { glp_set_col_kind(problem, j, GLP_CV) }
        integerColumns.removeAll { relaxed.contains($0.j) && !$0.column.isBinary }
        var flags = [Bool](repeating: false, count: columnCount)
        for (j, _) in integerColumns { flags[Int(j) - 1] = true }
        isIntegerColumn = flags
    }

    public func fixIntegers(_ choice: [Double]?) {
        checkThread()
        holdsOptimum = false
        guard let choice else {
            for (j, column) in integerColumns { applyKindAndBounds(column, to: j, record: false) }
            return
        }
        precondition(choice.count == integerColumns.count, "one value per integer variable")
        for ((j, column), value) in zip(integerColumns, choice) {
            // Clamped to the column's bounds: GLPK must never see a value outside them.
            let fixed = min(max(value.rounded(), column.lower), column.upper)
            glp_set_col_bnds(problem, j, GLP_FX, fixed, fixed)
        }
        // Branch and bound's answer verified: its node's basis is optimal for this LP. The node's
        // LP differed from the model only in the integer columns' bounds (0/1 models: no cuts,
        // no bound tightening), its optimum has the integer columns at these values, so it is a
        // point of this LP, which is the node's LP with less room: optimal there too, and the basis stays primal feasible (a basic integer column sits at its
        // value, now both bounds) and dual feasible (only fixed columns changed, whose reduced
        // costs may have any sign). Any other basis would do as well, only slower.
        if let answer = answerBasis, answer.choice == choice.map({ $0.rounded() }),
            answer.rows.count == constraintCount, answer.columns.count == variableCount
        {
            for (i, s) in answer.rows.enumerated() { glp_set_row_stat(problem, Int32(i + 1), s) }
            for (j, s) in answer.columns.enumerated() { glp_set_col_stat(problem, Int32(j + 1), s) }
            startsFromGivenBasis = true
        }
        answerBasis = nil
    }

    public func solveLP() -> TerminationStatus {
        checkThread()
        // Rescaled before every solve: rows and binaries added since must be scaled too
        // (keeping the first factors let a guard row pass a $0.02 wash-sale purchase).
        scale()
        // After a new objective the current basis stays primal feasible: the primal simplex
        // goes on from it. After new rows or bounds (stage rows, wash-sale guards and
        // settlements) it stays dual feasible: the dual simplex with the long-step ratio test goes
        // on from it. Measured here on 10,000 lots: first stage 0.42 s primal against 2.6 s dual,
        // turnover stage 0.002 s primal against 0.78 s dual (the drift stage leaves the lots'
        // columns parallel with equal costs, which stalls the dual simplex).
        //
        // GLPK's simplex can cycle on these degenerate models (the primal simplex with the
        // long-step test always did on one 80-row model; from some warm bases either ratio test
        // does), and its dual simplex with the long-step test once reported a feasible model
        // infeasible. So every attempt has an iteration budget, a stalled attempt hands over to
        // the other method, then to the primal simplex from a fresh basis, and only the primal
        // simplex's verdicts of infeasible or unbounded are taken: infeasible only from a fresh
        // basis (warm from where branch and bound left the basis, it once called a feasible LP
        // infeasible), or from the dual simplex when the tableau row it stopped on proves it
        // (`provesInfeasible`).
        if holdsOptimum { return .optimal }
        let givenBasis = startsFromGivenBasis
        if startsFromGivenBasis {
            // (After the scale factors: setting them may invalidate a factorization.) A basis
            // GLPK cannot factorize would make `glp_simplex` fail: the slack basis instead.
            startsFromGivenBasis = false
            if glp_factorize(problem) != 0 { glp_std_basis(problem) }
        }
        let warm: Int32 = objectiveChanged ? GLP_PRIMAL : GLP_DUALP
        objectiveChanged = false
        if siftingApplies { return siftedSolve(warm: warm) }
        // After a new objective (a new stage, or a strategy's first LP from another's basis) the
        // basis is often optimal already: a quarter of these calls made no iteration on typical
        // households, each costing GLPK's set-up (about 85k instructions) to say so. So is the
        // basis of branch and bound's answer for the LP that verifies it (`fixIntegers`).
        if warm == GLP_PRIMAL || givenBasis, basisIsOptimal() {
            holdsOptimum = true
            return .optimal
        }
        let status = simplex(warm: warm)
        holdsOptimum = status == .optimal
        return status
    }

    /// GLPK's simplex from the current basis by `warm`, then the other method, then the primal
    /// simplex from a fresh basis (see ``solveLP()``).
    /// `warmInfeasible`: a warm start's primal verdict of infeasible is taken (sifting's restricted
    /// LPs, which are infeasible by design and only priced: the whole LP's verdict comes from a
    /// solve without it). Restarting them from a fresh basis tripled the harvest stage's
    /// settlement on a direct-indexing household.
    func simplex(warm: Int32, warmInfeasible: Bool = false) -> TerminationStatus {
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = GLP_OFF
        // The pivot row from A by rows, built once a call, rather than from N by rows, built and
        // then updated at every iteration: on LPs too small to sift (a typical household's 100
        // columns) building N cost more than the products it saves.
        if !siftingApplies { parm.aorn = GLP_USE_AT }
        if let ms = timeLimitMilliseconds { parm.tm_lim = ms }
        let budget = 10_000 + 10 * (variableCount + constraintCount)
        let attempts: [(method: Int32, fresh: Bool, budget: Int32)] = [
            (warm, false, Int32(clamping: budget)),
            (warm == GLP_PRIMAL ? GLP_DUALP : GLP_PRIMAL, false, Int32(clamping: budget)),
            (GLP_PRIMAL, true, Int32(clamping: 20 * budget)),
        ]
        /// Set when a warm start's primal simplex calls the LP infeasible: only a fresh basis's
        /// verdict is believed (see above).
        var freshOnly = false
        for attempt in attempts where attempt.fresh || !freshOnly {
            if attempt.fresh { glp_std_basis(problem) }
            parm.meth = attempt.method
            // The long-step ratio test only for the dual simplex: the primal one cycled with it.
            parm.r_test = attempt.method == GLP_DUALP && !attempt.fresh ? GLP_RT_FLIP : GLP_RT_HAR
            parm.it_lim = attempt.budget
            simplexCalls += 1
            switch GLPKRoutine.simplex.check(glp_simplex(problem, &parm)) {
            case .finished:
                switch glp_get_status(problem) {
                case GLP_OPT: return .optimal
                case GLP_NOFEAS where attempt.method == GLP_PRIMAL:
                    if attempt.fresh || warmInfeasible { return .infeasible }
                    freshOnly = true
                case GLP_UNBND where attempt.method == GLP_PRIMAL: return .unbounded
                case GLP_NOFEAS where attempt.method == GLP_DUALP && provesInfeasible():
                    return .infeasible
                default: continue  // a dual verdict, or no verdict: the primal simplex decides
                }
            case .timeLimit:
                return .timeLimit(feasible: glp_get_prim_stat(problem) == GLP_FEAS)
            case .stalled, .stopped:  // (no callback stops the simplex)
                continue
            case .noPrimalFeasible:
                // Only the presolver says so, and it is off: taken as a failure like any other.
                return .numericalFailure(GLPKError(routine: GLPKRoutine.simplex.rawValue, code: GLP_ENOPFS).failure)
            case .failed(let error):
                return .numericalFailure(error.failure)
            }
        }
        return .iterationLimit
    }

    /// Whether the current basis, with its factorization still valid, is optimal for the problem
    /// as it is now, by GLPK's own tests made a hundred times stricter; if so its solution is
    /// stored (`glp_warm_up`), as `glp_simplex` would have stored it after no iteration.
    ///
    /// GLPK's simplex calls a basis optimal when, on the scaled problem (column j's value divided
    /// by s_j, row i's multiplied by r_i), every basic variable is within tol_bnd + tol_bnd1·|bound|
    /// of its bounds and every non-basic one's reduced cost has its bound's sign within
    /// tol_dj + tol_dj1·|c_j| (1e-7 and 1e-10 both: `spx_chuzc_sel`, `check_feas`). Here both
    /// must hold within 1e-9 on the same scaled values, so a basis passing this passes GLPK's
    /// test, and `glp_simplex` would return it as it is. The reduced costs come first (one
    /// `glp_btran` and a pass over the matrix): after a new objective they are what usually
    /// fails, and then nothing more is computed.
    ///
    /// With c_B the basic variables' costs, B'π = c_B (B: the basis columns of (I | −A), as
    /// `glp_btran` takes them), a column's reduced cost is d_j = c_j + Σ_i a_ij π_i and row i's
    /// is −π_i (zero on every basic one).
    private func basisIsOptimal() -> Bool {
        let m = constraintCount, n = variableCount
        guard m > 0, glp_bf_exists(problem) != 0 else { return false }
        let tolerance = 1e-8
        // d starts as the costs, and becomes the reduced costs.
        var d = [Double](repeating: 0, count: n)
        for (j, c) in zip(objectiveColumns, objectiveCoefficients) { d[Int(j) - 1] = c }
        var pi = [Double](repeating: 0, count: m + 1)
        for k in 1...m {
            let head = Int(glp_get_bhead(problem, Int32(k)))
            if head > m { pi[k] = d[head - m - 1] }
        }
        glp_btran(problem, &pi)
        /// Whether a non-basic variable of status `status` and scaled reduced cost `d` keeps its
        /// bound's sign (minimizing).
        func signFits(_ status: Int32, _ d: Double) -> Bool {
            switch status {
            case GLP_NL: d >= -tolerance
            case GLP_NU: d <= tolerance
            case GLP_NF: abs(d) <= tolerance
            default: true  // basic, or fixed
            }
        }
        for i in 0..<m where !signFits(glp_get_row_stat(problem, Int32(i + 1)), -pi[i + 1] / rowScale[i]) { return false }
        matrix.start.withUnsafeBufferPointer { start in
            matrix.column.withUnsafeBufferPointer { column in
                matrix.value.withUnsafeBufferPointer { value in
                    d.withUnsafeMutableBufferPointer { d in
                        for i in 0..<m where pi[i + 1] != 0 {
                            let p = pi[i + 1]
                            for e in start[i]..<start[i + 1] { d[column[e]] += value[e] * p }
                        }
                    }
                }
            }
        }
        for j in 0..<n where !signFits(glp_get_col_stat(problem, Int32(j + 1)), d[j] * columnScale[j]) { return false }
        // Dual feasible: the basic variables' values (GLPK's own computation, stored with the
        // duals and the status it finds with its looser tolerances), then the strict test.
        guard glp_warm_up(problem) == 0, glp_get_status(problem) == GLP_OPT else { return false }
        for k in 1...m {
            let head = glp_get_bhead(problem, Int32(k))
            let (type, lower, upper, value, scale) =
                head <= m
                ? (glp_get_row_type(problem, head), glp_get_row_lb(problem, head), glp_get_row_ub(problem, head),
                    glp_get_row_prim(problem, head), rowScale[Int(head) - 1])
                : (glp_get_col_type(problem, head - Int32(m)), glp_get_col_lb(problem, head - Int32(m)),
                    glp_get_col_ub(problem, head - Int32(m)), glp_get_col_prim(problem, head - Int32(m)),
                    1 / columnScale[Int(head) - m - 1])
            let hasLower = type == GLP_LO || type == GLP_DB || type == GLP_FX
            let hasUpper = type == GLP_UP || type == GLP_DB || type == GLP_FX
            if hasLower, (lower - value) * scale > tolerance { return false }
            if hasUpper, (value - upper) * scale > tolerance { return false }
        }
        return true
    }

    /// Whether the row of the simplex tableau that GLPK's dual simplex stopped on (its verdict:
    /// no primal feasible point) proves the LP infeasible by itself. That row, x_k = Σ α_j x_j
    /// over the nonbasic variables, is a linear combination of the constraints, so it holds at
    /// every point; if Σ α_j x_j, over every value the nonbasic variables' bounds allow, stays
    /// clear of x_k's bounds, no point satisfies them all (a Farkas certificate, checked here
    /// with a margin of 1e-6 of the terms' size for the rounding in α). Without it, a warm dual
    /// verdict of infeasible is taken only after the warm primal simplex and the primal simplex
    /// from a fresh basis agree: about 48 iterations over three calls where a wash-sale
    /// settlement's other side is infeasible (214 of them on the 1,000 typical households of
    /// the batch benchmark; every one of them is now proven by its row, in one call).
    private func provesInfeasible() -> Bool {
        guard glp_get_dual_stat(problem) == GLP_FEAS else { return false }
        let k = glp_get_unbnd_ray(problem)
        let m = glp_get_num_rows(problem), n = glp_get_num_cols(problem)
        guard k >= 1, k <= m + n else { return false }
        /// A variable's bounds (−∞ or +∞ where it has none: GLPK reports ±DBL_MAX) and status.
        func bounds(_ v: Int32) -> (lower: Double, upper: Double, status: Int32) {
            let (type, lower, upper, status) =
                v <= m
                ? (glp_get_row_type(problem, v), glp_get_row_lb(problem, v), glp_get_row_ub(problem, v), glp_get_row_stat(problem, v))
                : (glp_get_col_type(problem, v - m), glp_get_col_lb(problem, v - m), glp_get_col_ub(problem, v - m),
                    glp_get_col_stat(problem, v - m))
            let hasLower = type == GLP_LO || type == GLP_DB || type == GLP_FX
            let hasUpper = type == GLP_UP || type == GLP_DB || type == GLP_FX
            return (hasLower ? lower : -.infinity, hasUpper ? upper : .infinity, status)
        }
        let basic = bounds(k)
        guard basic.status == GLP_BS else { return false }
        if glp_bf_exists(problem) == 0, glp_factorize(problem) != 0 { return false }
        var index = [Int32](repeating: 0, count: Int(n) + 1)
        var alpha = [Double](repeating: 0, count: Int(n) + 1)
        let count = Int(glp_eval_tab_row(problem, k, &index, &alpha))
        // The range of Σ α_j x_j, and the size of its terms (for the rounding margin). Entries
        // below 1e-12 of the row's largest are rounding left of exact zeros (parallel lot columns
        // give 5.6e-17 beside 1): on a variable bounded both ways they count like the others (a
        // tiny, finite share of the range), and only where a bound is missing are they taken as
        // zeros, as GLPK's ratio test takes them.
        var low = 0.0, high = 0.0, size = 0.0
        var largest = 0.0
        for t in stride(from: 1, through: count, by: 1) { largest = max(largest, abs(alpha[t])) }
        for t in stride(from: 1, through: count, by: 1) {
            let a = alpha[t], b = bounds(index[t])
            let bounded = b.lower.isFinite && b.upper.isFinite
            if abs(a) <= 1e-12 * largest && !bounded { continue }
            // (With a ≠ 0 here wherever a bound is infinite, a product is ±∞, never NaN.)
            low += a > 0 ? a * b.lower : a * b.upper
            high += a > 0 ? a * b.upper : a * b.lower
            size += abs(a) * max(b.lower.isFinite ? abs(b.lower) : 0, b.upper.isFinite ? abs(b.upper) : 0)
        }
        let margin = 1e-6 * (1 + size)
        if basic.lower.isFinite, high.isFinite, high < basic.lower - margin - 1e-6 * abs(basic.lower) { return true }
        if basic.upper.isFinite, low.isFinite, low > basic.upper + margin + 1e-6 * abs(basic.upper) { return true }
        return false
    }

    /// `glp_simplex` calls and GLPK's count of simplex iterations (which branch and bound's nodes add to).
    public var simplexWork: (calls: Int, iterations: Int) { (simplexCalls, Int(glp_get_it_cnt(problem))) }

    public func objectiveValue() -> Double {
        checkThread()
        return glp_get_obj_val(problem)
    }

    public func primalValues() -> [Double] {
        checkThread()
        var values = [Double](repeating: 0, count: variableCount)
        for j in 0..<variableCount { values[j] = glp_get_col_prim(problem, Int32(j + 1)) }
        return values
    }

    public func rowDuals() -> [Double] {
        checkThread()
        var duals = [Double](repeating: 0, count: constraintCount)
        for i in 0..<constraintCount { duals[i] = glp_get_row_dual(problem, Int32(i + 1)) }
        return duals
    }

    // MARK: The basis

    public func basis() -> Basis? {
        checkThread()
        func status(_ s: Int32) -> BasisStatus {
            switch s {
            case GLP_BS: .basic
            case GLP_NU: .atUpper
            case GLP_NF: .free
            case GLP_NS: .fixed
            default: .atLower
            }
        }
        return Basis(
            rows: (0..<constraintCount).map { status(glp_get_row_stat(problem, Int32($0 + 1))) },
            columns: (0..<variableCount).map { status(glp_get_col_stat(problem, Int32($0 + 1))) })
    }

    @discardableResult
    public func warmStart(_ basis: Basis) -> Bool {
        checkThread()
        guard basis.rows.count == constraintCount, basis.columns.count == variableCount,
            basis.basicCount == constraintCount
        else { return false }
        // GLPK takes any of its five statuses and makes a non-basic one fit the bounds the
        // row or column has (`glp_set_row_stat`, `glp_set_col_stat`).
        func status(_ s: BasisStatus) -> Int32 {
            switch s {
            case .basic: GLP_BS
            case .atLower: GLP_NL
            case .atUpper: GLP_NU
            case .free: GLP_NF
            case .fixed: GLP_NS
            }
        }
        // The basis of the optimum the problem holds already: nothing to do (setting it would
        // only cost a factorization and GLPK's optimality test).
        if holdsOptimum, basis == self.basis() { return true }
        for (i, s) in basis.rows.enumerated() { glp_set_row_stat(problem, Int32(i + 1), status(s)) }
        for (j, s) in basis.columns.enumerated() { glp_set_col_stat(problem, Int32(j + 1), status(s)) }
        holdsOptimum = false
        startsFromGivenBasis = true
        return true
    }

    /// Models with general integer columns get three searches (see `intopt`); 0/1 ones one.
    public var branchAndBoundSearches: Int { integerVariablesAreBinary ? 1 : 3 }
    public func setBranchFirst(_ variables: [Variable]) throws(LinearProgrammingError) {
        checkThread()
        for variable in variables where variable.index < 0 || variable.index >= variableCount {
            throw .variableOutOfRange(index: variable.index, count: variableCount)
        }
        branchFirst = variables.map { Int32($0.index + 1) }
        branchFirstSet = true
    }

    /// Once branching first is set (the stages after the first), search 1 (Driebeck–Tomlin, no
    /// cuts, the given columns then the 0/1 ones first) takes the first turn in a stage that
    /// later stages hold, then searches 0 and 2: its nodes cost a fraction of search 0's (every
    /// cut, best bound), and such a stage stops as soon as its best point is within the gap of
    /// the bound it has (often the root's or an earlier stage's), which needs a point more
    /// than a tree. The last stage (no gap) keeps 0, 1, 2. The order of the turns changes only
    /// the path: which point within the stage's gap ends it, never a proven bound or the margin
    /// (docs/engineering.md, "Whole shares: search 1 first in the held stages").
    public var searchOrderWithGap: [Int] {
        branchFirstSet && !integerVariablesAreBinary ? [1, 0, 2] : Array(0..<branchAndBoundSearches)
    }

    public var timeLimit: Double? { options.timeLimit }

    public private(set) var nodeLimitBound: Double?
    public private(set) var runBound: Double?
    /// Branch and bound runs this problem has written out (`REBALANCE_DUMP_MIP`).
    private var dumped = 0

    /// GLPK prunes a node whose bound is within tol_obj·(1 + |incumbent|) of the incumbent
    /// (`ios_is_hopeful`), so a proof of optimality, or the least bound of the nodes left, bounds
    /// the run's optimum only down to the incumbent less that tolerance.
    private static func runBound(code: Int32, _ search: SearchControl, _ problem: OpaquePointer) -> Double? {
        let status = glp_mip_status(problem)
        guard status == GLP_OPT || status == GLP_FEAS else { return nil }
        let incumbent = glp_mip_obj_val(problem)
        var parm = glp_iocp()
        glp_init_iocp(&parm)
        let pruned = incumbent - parm.tol_obj * (1 + abs(incumbent))
        guard pruned.isFinite else { return nil }
        if code == 0 && status == GLP_OPT { return pruned }
        if let bound = search.stoppedWithinGap ?? search.nodeLimitBound { return min(bound, pruned) }
        return nil
    }

    public func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
        checkThread()
        precondition(run.search >= 0 && run.search < branchAndBoundSearches, "no search \(run.search)")
        holdsOptimum = false
        // Columns the run treats as continuous are so only while it lasts.
        let relaxed = Set(run.continuous.map { Int32($0.index + 1) })
        let integral = integerColumns.filter { !relaxed.contains($0.j) }
        for (j, _) in integerColumns where relaxed.contains(j) { glp_set_col_kind(problem, j, GLP_CV) }
        defer { for (j, column) in integerColumns where relaxed.contains(j) { applyKindAndBounds(column, to: j, record: false) } }
        // Search 1 branches first on the given columns, then on the 0/1 ones (`intopt`): not
        // with the presolver (its problem numbers the columns its own way).
        var tiers: [[Int32]] = []
        if !branchFirst.isEmpty && !run.presolve && !integerVariablesAreBinary && run.search == 1 {
            let first = branchFirst.filter { !relaxed.contains($0) }
            tiers = [first, integral.filter { $0.column.isBinary && !first.contains($0.j) }.map(\.j)]
        }
        answerBasis = nil
        var search = SearchControl(
            run, variableCount: variableCount, constraintCount: constraintCount, integerColumns: integral.map(\.j), tiers: tiers)
        dump(run, relaxed: relaxed.count)
        var code = intopt(run, search)
        // A node's LP that GLPK could not solve on that path: the run again by GLPK's own rule,
        // from the relaxation solved again (branch and bound starts from an optimal basis).
        if !tiers.isEmpty, case .failed = GLPKRoutine.intopt.check(code), solveLP() == .optimal {
            holdsOptimum = false
            search = SearchControl(
                run, variableCount: variableCount, constraintCount: constraintCount, integerColumns: integral.map(\.j))
            code = intopt(run, search)
        }
        nodeLimitBound = search.nodeLimitBound
        runBound = Self.runBound(code: code, search, problem)
        // Branch and bound works on the problem itself: take its scale factors as it leaves them.
        rereadScale()
        let mipStatus = glp_mip_status(problem)
        let found = mipStatus == GLP_FEAS || mipStatus == GLP_OPT ? mipChoice() : nil
        // The answer is the last point a node's LP gave (not the incumbent offered, nor a
        // heuristic's): its node's basis is kept for the LP that verifies it. Only on 0/1 models
        // (no cuts, no bound tightening: see `intopt`), whose nodes change integer columns'
        // bounds alone, and not through the presolver (its nodes are another problem's).
        if let found, let at = search.foundAt, at.value == glp_mip_obj_val(problem), relaxed.isEmpty,
            integerVariablesAreBinary, !run.presolve
        {
            answerBasis = (found, at.rows, at.columns)
        }
        switch GLPKRoutine.intopt.check(code) {
        case .finished:
            switch mipStatus {
            case GLP_OPT: return .optimal(mipChoice())
            case GLP_NOFEAS: return .infeasible
            default: return .inconclusive
            }
        case .noPrimalFeasible:
            return .infeasible
        case .timeLimit:
            return .timeLimit(found)
        case .stopped:
            if let bound = search.stoppedWithinGap, let found { return .withinGap(found, bound: bound) }
            return search.stoppedAtNodeLimit ? .nodeLimit(found) : .inconclusive
        case .stalled:
            return .inconclusive
        case .failed(let error):
            return .failure(error.failure)
        }
    }

    /// A diagnostic: with `REBALANCE_DUMP_MIP=<directory>`, the model each branch and bound run
    /// starts from, in CPLEX LP format (`glp_write_lp`), its relaxed columns continuous, as
    /// `mip-<process>-<problem>-<run>-s<search>-n<node limit>-c<relaxed columns>.lp`, to be
    /// solved again by another solver (HiGHS: `highspy`'s `readModel`). Unset: nothing written;
    /// nothing either where the directory is not one (a link to one included) or the name is taken.
    private func dump(_ run: BranchAndBoundRun, relaxed: Int) {
        guard let directory = getenv("REBALANCE_DUMP_MIP").map({ String(cString: $0) }), !directory.isEmpty else { return }
        dumped += 1
        let problemID = String(UInt(bitPattern: ObjectIdentifier(self).hashValue), radix: 16)
        let name = "\(directory)/mip-\(getpid())-\(problemID)-\(dumped)-s\(run.search)-n\(run.nodeLimit ?? 0)-c\(relaxed).lp"
        // GLPK opens the file as it is named, following links and truncating: written only into
        // a real directory, and only where nothing is yet (the name is this process's own), so
        // no device, link or other file is written through or over.
        var info = stat()
        guard lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, lstat(name, &info) != 0, errno == ENOENT else { return }
        _ = glp_write_lp(problem, nil, name)
    }

    /// The integer values of GLPK's integer solution.
    private func mipChoice() -> [Double] {
        integerColumns.map { glp_mip_col_val(problem, $0.j).rounded() }
    }

    /// Runs `glp_intopt`. Searches for models with general integer columns (whole shares), each
    /// fastest on some of the bundled households in whole shares and minutes slower on others:
    /// 0. Driebeck–Tomlin branching, every cut, the node of best bound next;
    /// 1. Driebeck–Tomlin branching, no cuts, GLPK's default node order; where the model names
    ///    columns to branch on first (``MIPSession/setBranchFirst(_:)``), those first, then the 0/1
    ///    columns, then Driebeck–Tomlin's choice (`SearchControl`);
    /// 2. hybrid pseudocost branching, Gomory and mixed-integer rounding cuts.
    /// 0/1 models branch on the most fractional variable: GLPK's default (Driebeck–Tomlin)
    /// evaluates tableau rows at every node, which took minutes on 100,000 lots.
    private func intopt(_ run: BranchAndBoundRun, _ search: SearchControl) -> Int32 {
        var parm = glp_iocp()
        glp_init_iocp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = run.presolve ? GLP_ON : GLP_OFF
        parm.mip_gap = 0
        switch (integerVariablesAreBinary, run.search) {
        case (true, _):
            parm.br_tech = GLP_BR_MFV
            // No bound tightening: on typical households' guard MIPs (a few binaries, 100
            // columns) it cost 40% of branch and bound's instructions at every node, and at the
            // root alone still 25% (227k instructions a search) for no fewer nodes.
            parm.pp_tech = GLP_PP_NONE
        case (false, 0):
            parm.br_tech = GLP_BR_DTH
            parm.bt_tech = GLP_BT_BLB
            (parm.gmi_cuts, parm.mir_cuts, parm.cov_cuts, parm.clq_cuts) = (GLP_ON, GLP_ON, GLP_ON, GLP_ON)
        case (false, 1):
            parm.br_tech = GLP_BR_DTH
        default:
            parm.br_tech = GLP_BR_PCH
            (parm.gmi_cuts, parm.mir_cuts) = (GLP_ON, GLP_ON)
        }
        if let ms = milliseconds(run.timeLimit ?? options.timeLimit) { parm.tm_lim = ms }
        parm.cb_info = Unmanaged.passUnretained(search).toOpaque()
        parm.cb_func = { tree, info in
            guard let tree, let info else { return }
            Unmanaged<SearchControl>.fromOpaque(info).takeUnretainedValue().callback(tree)
        }
        return withExtendedLifetime(search) { glp_intopt(problem, &parm) }
    }

    // MARK: Scaling

    /// GLPK's automatic scaling (`glp_scale_prob(problem, GLP_SF_AUTO)`'s factors, computed by
    /// ``GLPKScaling``) whenever rows or columns were added since the last computation; an
    /// unchanged matrix keeps its factors. GLPK's `glp_set_rii`/`glp_set_sjj` invalidate the basis
    /// factorization only where a factor of a basic column (or of a row holding one) changes, so
    /// a solve after new bounds or a new objective goes on from the factorization of the last
    /// one. (Calling `glp_scale_prob` itself before every solve, as this once did, resets every
    /// factor to 1 and back, and so refactorized the basis at nearly every solve.)
    private func scale() {
        guard matrixChanged else { return }
        let f = GLPKScaling.factors(matrix, columns: variableCount)
        #if DEBUG
        checkScaling(f)
        #endif
        for i in 0..<constraintCount where f.row[i] != rowScale[i] { glp_set_rii(problem, Int32(i + 1), f.row[i]) }
        for j in 0..<variableCount where f.column[j] != columnScale[j] { glp_set_sjj(problem, Int32(j + 1), f.column[j]) }
        (rowScale, columnScale) = (f.row, f.column)
        matrixChanged = false
    }

    /// The factors as GLPK holds them (after branch and bound, which works on the problem).
    private func rereadScale() {
        let rows = (0..<constraintCount).map { glp_get_rii(problem, Int32($0 + 1)) }
        let columns = (0..<variableCount).map { glp_get_sjj(problem, Int32($0 + 1)) }
        if rows != rowScale || columns != columnScale || glp_get_num_rows(problem) != Int32(constraintCount) {
            (rowScale, columnScale) = (rows, columns)
            matrixChanged = true
        }
    }

    #if DEBUG
    /// Debug builds: GLPK's own `glp_scale_prob`, run on a copy of the problem, must give the
    /// same factors bit for bit.
    private func checkScaling(_ f: GLPKScaling.Factors) {
        for i in 0..<constraintCount { precondition(glp_get_rii(problem, Int32(i + 1)) == rowScale[i]) }
        for j in 0..<variableCount { precondition(glp_get_sjj(problem, Int32(j + 1)) == columnScale[j]) }
        let glpk = glpkScaleFactors()
        for i in 0..<constraintCount {
            precondition(glpk.row[i] == f.row[i], "row \(i)'s scale factor differs from GLPK's")
        }
        for j in 0..<variableCount {
            precondition(glpk.column[j] == f.column[j], "column \(j)'s scale factor differs from GLPK's")
        }
    }
    #endif

    /// The factors `glp_scale_prob(GLP_SF_AUTO)` gives the problem as it is now (on a copy: the
    /// problem keeps its own). What ``GLPKScaling`` must reproduce; for checks and tests.
    func glpkScaleFactors() -> GLPKScaling.Factors {
        let copy = glp_create_prob()
        defer { glp_delete_prob(copy) }
        glp_copy_prob(copy, problem, GLP_OFF)
        glp_scale_prob(copy, GLP_SF_AUTO)
        return GLPKScaling.Factors(
            row: (0..<constraintCount).map { glp_get_rii(copy, Int32($0 + 1)) },
            column: (0..<variableCount).map { glp_get_sjj(copy, Int32($0 + 1)) })
    }

    // MARK: Helpers

    private var timeLimitMilliseconds: Int32? { milliseconds(options.timeLimit) }

    private func milliseconds(_ seconds: Double?) -> Int32? {
        guard let seconds, seconds.isFinite, seconds > 0 else { return nil }
        return Int32(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }

    private func checkThread() {
        precondition(
            pthread_equal(owner, pthread_self()) != 0,
            "a GLPK problem was used on a thread other than the one that created it")
    }

    private static func checkCount(_ count: Int, _ what: String) throws(LinearProgrammingError) {
        guard count < Int(Int32.max) - 1 else { throw .tooLarge(what: what, count: count) }
    }

    /// `fresh`: a column just added (fixed at 0, non-basic), whose bounds GLPK need not be asked.
    private func applyKindAndBounds(_ column: Column, to j: Int32, record: Bool = true, fresh: Bool = false) {
        if column.isBinary {
            glp_set_col_kind(problem, j, GLP_BV)
        } else {
            if column.isInteger { glp_set_col_kind(problem, j, GLP_IV) }
            if fresh {
                let (type, lb, ub) = Self.glpkBounds(lower: column.lower, upper: column.upper)
                if !Self.same(type, lb, ub, GLP_FX, 0, 0) { glp_set_col_bnds(problem, j, type, lb, ub) }
            } else {
                setColumnBounds(j, lower: column.lower, upper: column.upper)
            }
        }
        if column.isInteger && record { integerColumns.append((j, column)) }
    }

    private func setColumnBounds(_ j: Int32, lower: Double, upper: Double) {
        let (type, lb, ub) = Self.glpkBounds(lower: lower, upper: upper)
        // The bounds it has: GLPK would change nothing (not even a non-basic column's status).
        if Self.same(type, lb, ub, glp_get_col_type(problem, j), glp_get_col_lb(problem, j), glp_get_col_ub(problem, j)) { return }
        holdsOptimum = false
        // A non-basic column fixed at what becomes its upper bound keeps its value (GLPK would
        // move it to its lower bound, and the basis would no longer be the solution's).
        let keepsUpper = type == GLP_DB && glp_get_col_stat(problem, j) == GLP_NS && glp_get_col_lb(problem, j) == ub
        glp_set_col_bnds(problem, j, type, lb, ub)
        if keepsUpper { glp_set_col_stat(problem, j, GLP_NU) }
    }

    private func setRowBounds(_ i: Int32, lower: Double, upper: Double) {
        let (type, lb, ub) = Self.glpkBounds(lower: lower, upper: upper)
        if Self.same(type, lb, ub, glp_get_row_type(problem, i), glp_get_row_lb(problem, i), glp_get_row_ub(problem, i)) { return }
        holdsOptimum = false
        glp_set_row_bnds(problem, i, type, lb, ub)
    }

    /// Whether bounds (type, lb, ub) are those GLPK holds (it reports an infinite bound as ∓DBL_MAX).
    private static func same(_ type: Int32, _ lb: Double, _ ub: Double, _ held: Int32, _ heldLb: Double, _ heldUb: Double) -> Bool {
        guard type == held else { return false }
        switch type {
        case GLP_FR: return true
        case GLP_LO: return lb == heldLb
        case GLP_UP: return ub == heldUb
        default: return lb == heldLb && ub == heldUb
        }
    }

    private static func glpkBounds(lower: Double, upper: Double) -> (Int32, Double, Double) {
        switch (lower.isFinite, upper.isFinite) {
        case (false, false): (GLP_FR, 0, 0)
        case (true, false): (GLP_LO, lower, 0)
        case (false, true): (GLP_UP, 0, upper)
        case (true, true): (lower == upper ? GLP_FX : GLP_DB, lower, upper)
        }
    }

    private func installObjective(_ terms: [Term]) {
        objectiveColumns = terms.map { Int32($0.variable.index + 1) }
        objectiveCoefficients = terms.map(\.coefficient)
        for term in terms { glp_set_obj_coef(problem, Int32(term.variable.index + 1), term.coefficient) }
    }
}
