internal import CGLPK
import Foundation
import LinearProgramming

// Sifting: an LP with far more columns than rows solved on a working set of its columns.
//
// A direct-indexing household has 100,000 lot columns and a few hundred rows; GLPK's simplex
// prices every non-basic column at every iteration (and its dual simplex computes a whole pivot
// row), although an optimum uses only the few lots near the margin of each account and symbol.
// So every non-basic column outside the working set is held at the bound it sits at (GLPK
// leaves fixed non-basic columns out of its working LP), the restricted LP is solved, and every
// held column is priced here with the restricted optimum's row duals: d_j = c_j − Σ_i π_i a_ij.
// A column held at its lower bound with d_j < 0, or at its upper bound with d_j > 0, would
// improve the objective: the most improving ones join the working set (at the value they were
// held at, so the basis stays primal feasible) and the primal simplex goes on. When no held
// column prices in, the restricted optimum's basis is optimal for the whole LP (primal feasible,
// and every column's reduced cost has the sign its bound needs): the held columns get their
// bounds back, non-basic at the bound they were held at, so that GLPK's state is that of the
// whole LP solved to that basis, and the next solve starts from it.
//
// An infeasible restricted LP (the first solve starts from the slack basis; a settlement
// holds columns at zero) is priced the same way with phase 1's duals (see `phaseOneDuals`):
// the columns that reduce the sum of infeasibilities join.
//
// The working set is the basis of the solve's start and grows within a solve (each solve starts
// afresh from its basis: carrying the columns priced in over to later stages made their LPs
// larger and slower), so the loop ends; if a restricted LP is neither optimal nor infeasible
// with a column to price in (a time limit aside), the whole LP is solved.
extension GLPKProblem {
    /// Sifting applies to LPs of at least this many columns, with at least `siftingColumnRatio`
    /// columns per row.
    static let siftingMinimumColumns = 5_000
    static let siftingColumnRatio = 4
    /// Reduced cost (per unit of the column) below which a held column is not worth pricing in.
    static let siftingTolerance = 1e-9
    /// Off with REBALANCE_SIFTING=0 (to compare against the whole LP).
    static let siftingEnabled = ProcessInfo.processInfo.environment["REBALANCE_SIFTING"] != "0"
    /// With REBALANCE_TRACE=1, each sifted solve says how many restricted LPs it took.
    static let siftingTrace = ProcessInfo.processInfo.environment["REBALANCE_TRACE"] == "1"

    var siftingApplies: Bool {
        Self.siftingEnabled && variableCount >= Self.siftingMinimumColumns
            && variableCount >= Self.siftingColumnRatio * constraintCount
    }

    /// A column held at a bound during a sifted solve, with its own bounds.
    private struct Held {
        let j: Int32
        let type: Int32
        let lower: Double
        let upper: Double
        let atUpper: Bool
    }

    func siftedSolve(warm: Int32) -> TerminationStatus {
        let n = variableCount, m = constraintCount
        var isInteger = [Bool](repeating: false, count: n)
        for (j, _) in integerColumns { isInteger[Int(j) - 1] = true }

        var held: [Held] = []
        for j in 0..<n where !isInteger[j] {
            let c = Int32(j + 1)
            let stat = glp_get_col_stat(problem, c)
            // Basic, free and already fixed columns stay as they are.
            guard stat == GLP_NL || stat == GLP_NU else { continue }
            let column = Held(
                j: c, type: glp_get_col_type(problem, c), lower: glp_get_col_lb(problem, c),
                upper: glp_get_col_ub(problem, c), atUpper: stat == GLP_NU)
            let value = column.atUpper ? column.upper : column.lower
            glp_set_col_bnds(problem, c, GLP_FX, value, value)
            held.append(column)
        }
        if held.isEmpty { return simplex(warm: warm) }
        var objective = [Double](repeating: 0, count: n)
        for j in 0..<n { objective[j] = glp_get_obj_coef(problem, Int32(j + 1)) }
        var released = [Bool](repeating: false, count: held.count)
        func release(_ h: Int) {
            let column = held[h]
            glp_set_col_bnds(problem, column.j, column.type, column.lower, column.upper)
            glp_set_col_stat(problem, column.j, column.atUpper ? GLP_NU : GLP_NL)
            released[h] = true
        }
        // The most improving columns join, at most this many a round.
        let batch = max(1_000, 2 * m)

        var status = simplex(warm: warm, warmInfeasible: true)
        var rounds = 1
        var duals = [Double](repeating: 0, count: m)
        while status == .optimal || status == .infeasible {
            // Optimal: the row duals price the held columns. Infeasible: the duals of the
            // restricted LP's phase 1 (least infeasibility) do, with no objective.
            let feasible = status == .optimal
            if feasible {
                for i in 0..<m { duals[i] = glp_get_row_dual(problem, Int32(i + 1)) }
            } else if !phaseOneDuals(&duals) {
                break
            }
            var reducedCost = feasible ? objective : [Double](repeating: 0, count: n)
            for i in 0..<m where duals[i] != 0 {
                let pi = duals[i]
                for k in matrix.start[i]..<matrix.start[i + 1] { reducedCost[matrix.column[k]] -= pi * matrix.value[k] }
            }
            var improving: [(h: Int, gain: Double)] = []
            for (h, column) in held.enumerated() where !released[h] {
                let d = reducedCost[Int(column.j) - 1]
                let gain = column.atUpper ? d : -d
                if gain > Self.siftingTolerance { improving.append((h, gain)) }
            }
            if improving.isEmpty { break }
            if improving.count > batch {
                improving.sort { $0.gain > $1.gain || ($0.gain == $1.gain && $0.h < $1.h) }
                improving.removeLast(improving.count - batch)
            }
            for (h, _) in improving { release(h) }
            status = simplex(warm: GLP_PRIMAL, warmInfeasible: true)
            rounds += 1
        }
        let priced = released.lazy.filter { $0 }.count
        for h in held.indices where !released[h] { release(h) }
        if Self.siftingTrace {
            FileHandle.standardError.write(
                Data("trace: sifting: \(rounds) restricted LPs, \(priced) of \(held.count) held columns priced in, \(status.name)\n".utf8))
        }
        switch status {
        case .optimal, .timeLimit: return status
        default: return simplex(warm: warm)  // the restricted LP failed: the whole LP decides
        }
    }

    /// The row duals π of phase 1 at the current (primal infeasible) basis: B^T π = c_B with
    /// c_B = −1 for a basic variable below its lower bound, +1 above its upper bound, 0
    /// otherwise, so that the sum of infeasibilities changes by Σ_i π_i a_ij per unit of column
    /// j (x_B = −B⁻¹N x_N for the rows x_R − A x_S = 0). False when no basic variable is out of
    /// its bounds or the basis cannot be factorized.
    private func phaseOneDuals(_ duals: inout [Double]) -> Bool {
        let m = constraintCount
        guard m > 0, glp_bf_exists(problem) != 0 || glp_factorize(problem) == 0 else { return false }
        var x = [Double](repeating: 0, count: m + 1)
        var any = false
        for k in 1...m {
            let head = Int(glp_get_bhead(problem, Int32(k)))
            let (type, lower, upper, value): (Int32, Double, Double, Double) =
                head <= m
                ? (glp_get_row_type(problem, Int32(head)), glp_get_row_lb(problem, Int32(head)),
                   glp_get_row_ub(problem, Int32(head)), glp_get_row_prim(problem, Int32(head)))
                : (glp_get_col_type(problem, Int32(head - m)), glp_get_col_lb(problem, Int32(head - m)),
                   glp_get_col_ub(problem, Int32(head - m)), glp_get_col_prim(problem, Int32(head - m)))
            let hasLower = type == GLP_LO || type == GLP_DB || type == GLP_FX
            let hasUpper = type == GLP_UP || type == GLP_DB || type == GLP_FX
            if hasLower && value < lower - 1e-9 * (1 + abs(lower)) {
                x[k] = -1
                any = true
            } else if hasUpper && value > upper + 1e-9 * (1 + abs(upper)) {
                x[k] = 1
                any = true
            }
        }
        guard any else { return false }
        glp_btran(problem, &x)
        for i in 0..<m { duals[i] = -x[i + 1] }
        return true
    }
}
