/// A sparse matrix by rows, with each entry's magnitude: what GLPK's scaling reads.
struct SparseRows {
    /// Row i's entries are `start[i]..<start[i + 1]`.
    private(set) var start: [Int] = [0]
    /// 0-based column of each entry.
    private(set) var column: [Int] = []
    /// |a| of each entry (never 0).
    private(set) var magnitude: [Double] = []

    var count: Int { start.count - 1 }

    mutating func append(_ entries: some Sequence<(column: Int, value: Double)>) {
        for entry in entries {
            column.append(entry.column)
            magnitude.append(abs(entry.value))
        }
        start.append(column.count)
    }
}

/// GLPK's automatic scaling (`glp_scale_prob(P, GLP_SF_AUTO)`: geometric-mean passes, then
/// equilibration, skipped when the matrix is already well scaled), computed here on flat arrays.
///
/// Why: GLPK recomputes the factors from scratch on every call, walking its linked lists through
/// its API up to fifteen times; before every solve that was more than a third of a batch's
/// instructions. The arithmetic below is GLPK's own (glpscl.c), operation for operation — the
/// same products, quotients, square roots, comparisons and order of passes — so the factors are
/// bit-identical (a minimum or maximum does not depend on the order of the entries; a row's
/// range is only reused while no factor it reads has changed). Debug builds check every result
/// against `glp_scale_prob` itself (`GLPKProblem.checkScaling`).
struct GLPKScaling {
    /// The factors, and for each row and column whether any step set it to a value other than
    /// 1 (GLPK's `glp_set_rii`/`glp_set_sjj` changed it after `glp_unscale_prob` reset it).
    struct Factors {
        var row: [Double]
        var column: [Double]
        var rowMoved: [Bool]
        var columnMoved: [Bool]
    }

    /// scale_prob(GLP_SF_GM | GLP_SF_EQ | GLP_SF_SKIP) after glp_unscale_prob.
    static func factors(_ matrix: SparseRows, columns n: Int) -> Factors {
        let m = matrix.count
        var f = Factors(
            row: [Double](repeating: 1, count: m), column: [Double](repeating: 1, count: n),
            rowMoved: [Bool](repeating: false, count: m), columnMoved: [Bool](repeating: false, count: n))
        // The same entries by column.
        var columnStart = [Int](repeating: 0, count: n + 1)
        for j in matrix.column { columnStart[j + 1] += 1 }
        for j in 0..<n { columnStart[j + 1] += columnStart[j] }
        var next = columnStart
        var columnRow = [Int](repeating: 0, count: matrix.column.count)
        var columnMagnitude = [Double](repeating: 0, count: matrix.column.count)
        for i in 0..<m {
            for k in matrix.start[i]..<matrix.start[i + 1] {
                let j = matrix.column[k]
                columnRow[next[j]] = i
                columnMagnitude[next[j]] = matrix.magnitude[k]
                next[j] += 1
            }
        }

        // Each row's (min, max) scaled |a| (min_row_aij, max_row_aij: 1 and 1 for an empty row),
        // valid while `rowsCurrent`; likewise columns.
        var rowLo = [Double](repeating: 1, count: m), rowHi = [Double](repeating: 1, count: m)
        var columnLo = [Double](repeating: 1, count: n), columnHi = [Double](repeating: 1, count: n)
        var rowsCurrent = false, columnsCurrent = false

        func rowRange(_ i: Int) {
            var lo = 1.0, hi = 1.0
            let r = f.row[i], first = matrix.start[i]
            for k in first..<matrix.start[i + 1] {
                let t = matrix.magnitude[k] * (r * f.column[matrix.column[k]])
                if k == first || lo > t { lo = t }
                if k == first || hi < t { hi = t }
            }
            rowLo[i] = lo
            rowHi[i] = hi
        }
        func columnRange(_ j: Int) {
            var lo = 1.0, hi = 1.0
            let s = f.column[j], first = columnStart[j]
            for k in first..<columnStart[j + 1] {
                let t = columnMagnitude[k] * (f.row[columnRow[k]] * s)
                if k == first || lo > t { lo = t }
                if k == first || hi < t { hi = t }
            }
            columnLo[j] = lo
            columnHi[j] = hi
        }
        func updateRows() {
            if !rowsCurrent { for i in 0..<m { rowRange(i) } }
            rowsCurrent = true
        }
        func updateColumns() {
            if !columnsCurrent { for j in 0..<n { columnRange(j) } }
            columnsCurrent = true
        }
        /// min_mat_aij and max_mat_aij: over the rows.
        func matrixRange() -> (lo: Double, hi: Double) {
            updateRows()
            var lo = 1.0, hi = 1.0
            for i in 0..<m {
                if i == 0 || lo > rowLo[i] { lo = rowLo[i] }
                if i == 0 || hi < rowHi[i] { hi = rowHi[i] }
            }
            return (lo, hi)
        }
        /// max_row_ratio(lp) > max_col_ratio(lp): GLPK's flag, rows scaled on the second pass.
        func rowsLast() -> Bool {
            updateRows()
            updateColumns()
            var rowRatio = 1.0, columnRatio = 1.0
            for i in 0..<m {
                let t = rowHi[i] / rowLo[i]
                if i == 0 || rowRatio < t { rowRatio = t }
            }
            for j in 0..<n {
                let t = columnHi[j] / columnLo[j]
                if j == 0 || columnRatio < t { columnRatio = t }
            }
            return rowRatio > columnRatio
        }
        /// One pass of rows or columns: each factor divided by what `divisor` makes of its range.
        func scaleRows(_ divisor: (Double, Double) -> Double) {
            updateRows()
            for i in 0..<m {
                let value = f.row[i] / divisor(rowLo[i], rowHi[i])
                if value != 1 { f.rowMoved[i] = true }
                f.row[i] = value
            }
            rowsCurrent = false
            columnsCurrent = false
        }
        func scaleColumns(_ divisor: (Double, Double) -> Double) {
            updateColumns()
            for j in 0..<n {
                let value = f.column[j] / divisor(columnLo[j], columnHi[j])
                if value != 1 { f.columnMoved[j] = true }
                f.column[j] = value
            }
            rowsCurrent = false
            columnsCurrent = false
        }

        // Well scaled already (every |a| within [0.1, 10]): GLP_SF_SKIP leaves every factor 1.
        let (least, most) = matrixRange()
        if least >= 0.10 && most <= 10.0 { return f }
        // gm_iterate(lp, 15, 0.90), each step gm_scaling: rows and columns by the geometric
        // mean of their range. (A row's factor changes only its own range, so a pass may use
        // the ranges computed before it.)
        let gmRowsLast = rowsLast()
        var ratio = 0.0
        for k in 1...15 {
            let previous = ratio
            let (least, most) = matrixRange()
            ratio = most / least
            if k > 1 && ratio > 0.90 * previous { break }
            for pass in 0...1 {
                if (pass == 1) == gmRowsLast {
                    scaleRows { ($0 * $1).squareRoot() }
                } else {
                    scaleColumns { ($0 * $1).squareRoot() }
                }
            }
        }
        // eq_scaling: rows and columns by their largest entry.
        let eqRowsLast = rowsLast()
        for pass in 0...1 {
            if (pass == 1) == eqRowsLast {
                scaleRows { $1 }
            } else {
                scaleColumns { $1 }
            }
        }
        return f
    }
}
