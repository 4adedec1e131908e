/// The tax-impact preview of one plan: every lot sold (those in tax-deferred and tax-exempt
/// accounts marked not taxable), the short- and long-term totals, how they net against this
/// year's gains and the carryforward (docs/tax-model.md), the loss carried to next year, the plan's notes
/// and what the last dollar of drift removed costs in tax.
public struct TaxPreview: Sendable {
    public typealias SoldLot = PlanReport.SoldLotInTrade

    public let name: String
    public let report: PlanReport
    public let lots: [SoldLot]
    public let settings: TaxSettings

    public init(_ report: PlanReport, household: Household, name: String) {
        self.name = name
        self.report = report
        self.settings = household.scenario.tax
        self.lots = report.soldLots
    }

    public var tax: TaxEstimate { report.summary.tax }

    /// A sentence on the marginal tax of drift, read from the LP's duals.
    public var marginalSentence: String {
        switch report.strategy.kind {
        case .taxAware(let kappa):
            return "tax-aware:\(kappa) trades only where removing a dollar of drift costs at most "
                + "\(Money.format(kappa)) of tax (κ); drift left in place would cost more than that to remove."
        case .band:
            return "Drift inside the band is left alone; the band strategy does not price the last dollar of drift."
        case .fifo, .m1:
            return "Baselines are not optimized, so they do not price the last dollar of drift."
        case .cashOnly, .full, .taxBudget:
            guard let m = report.plan.marginalTaxPerDollar else {
                return "The marginal tax of drift is not available for this plan."
            }
            let perDollar = max(0, m)
            if perDollar < 0.00005 {
                return "The last dollar of drift removed costs no tax: this plan's drift is free to remove."
            }
            return "The last dollar of drift removed costs about $\(Money.fixed(perDollar, places: 4)) in tax "
                + "(\(Money.format(perDollar * 1000)) per $1,000); leaving $1,000 more drift in place "
                + "would save up to about that much tax this year."
        }
    }

    public var json: JSONValue {
        let s = report.summary
        func term(_ realized: Double, _ carry: Double, _ plan: Double, _ net: Double) -> JSONValue {
            .object([
                ("realizedThisYear", .money(realized)), ("carryforwardLoss", .money(carry)),
                ("plan", .money(plan)), ("net", .money(net)),
            ])
        }
        return .object([
            ("scenario", .string(name)),
            ("strategy", .string(report.strategy.name)),
            ("status", .string(report.status.name)),
            (
                "lots",
                .array(
                    lots.map { sold in
                        var fields: [(String, JSONValue)] = [("account", .string(sold.account)), ("symbol", .string(sold.symbol))]
                        if let id = sold.lot.id { fields.append(("id", .string(id))) }
                        fields += [
                            ("acquired", .string(sold.lot.acquired.description)),
                            ("shares", .shares(sold.lot.shares)),
                            ("proceeds", .money(sold.proceeds)),
                            ("costBasis", .money(sold.costBasis)),
                            ("gain", .money(sold.lot.gain)),
                            ("term", .string(sold.lot.isLongTerm ? "long" : "short")),
                            ("washSale", .bool(sold.lot.isDisallowed)),
                        ]
                        if !sold.lot.isTaxable { fields.append(("taxable", .bool(false))) }
                        return .object(fields)
                    })
            ),
            (
                "shortTerm",
                term(settings.realizedThisYear.shortTerm, settings.carryforwardLoss.shortTerm, tax.planShortTerm, tax.netShortTerm)
            ),
            (
                "longTerm",
                term(settings.realizedThisYear.longTerm, settings.carryforwardLoss.longTerm, tax.planLongTerm, tax.netLongTerm)
            ),
            ("taxWithoutPlan", .money(tax.taxWithoutPlan)),
            ("taxWithPlan", .money(tax.taxWithPlan)),
            ("lotTax", .money(s.lotTax)),
            ("estimatedTax", .money(s.estimatedTax)),
            (
                "carryforwardAfter",
                .object([("shortTerm", .money(s.carryforwardAfter.shortTerm)), ("longTerm", .money(s.carryforwardAfter.longTerm))])
            ),
            ("marginalTaxPerDollarOfDrift", report.plan.marginalTaxPerDollar.map { .number(Money.fixed(max(0, $0), places: 6)) } ?? .null),
            ("marginal", .string(marginalSentence)),
            ("notes", .array(report.notes.map(\.json))),
            ("assumptions", report.assumptions.json),
        ])
    }
}
