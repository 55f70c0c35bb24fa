/**
 * The library, as notebooks and other programs import it (`import { … } from 'erp-insights'`, built to dist/).
 * Every pipeline step the CLIs run is here, so a notebook can rerun any of them.
 */
export { loadConfig, type Config } from './config';
export { createLogger, silentLogger, type Logger } from './log';
export { createContext, openMongo, prepareTopics, type PipelineContext } from './cli/context';
export { ensureServices, servicesStatus } from './services';

export { loadErpData, type LoadResult } from './pipeline/source/load';
export { defaultSuperstorePath } from './pipeline/source/superstore';
export { ensureGenerated } from './pipeline/source/generate-file';
export type { ErpData, Product, Customer, Sale, SaleItem, SaleWithItems } from './pipeline/core/entities';
export { produceErpData, produceErpStream } from './pipeline/stream/produce';
export { scanSource, streamSales, type SourceScan } from './pipeline/source/stream-load';
export { startIngest } from './pipeline/lake/ingest';
export { verifyLake, formatReconciliation } from './pipeline/lake/verify';
export { countMessages, fetchLag } from './pipeline/adapters/kafka';
export { collections, connectMongo, groupSums } from './pipeline/adapters/mongo';

export { buildWarehouse, marts } from './pipeline/warehouse/build';
export { readStatistics } from './pipeline/warehouse/read-statistics';
export type { DailyDoc } from './pipeline/warehouse/daily';
export { formatBuild, formatStep } from './pipeline/warehouse/format';
export { segmentRules } from './pipeline/warehouse/rfm';
export { productRank, topProducts, type ProductMeasure, type RankedProduct, type TopProductsOptions } from './pipeline/warehouse/products';

export { trainModel, type CatalogueItem, type TrainingLine } from './pipeline/reco/train';
export { recommend, type Recommendation } from './pipeline/reco/score';
export { evaluateModel, writeEvaluation, type Evaluation } from './pipeline/reco/evaluate';
export { loadModel, modelFile, saveModel, type ItemSimModel } from './pipeline/reco/model';
export { readCatalogue, readTrainingLines } from './pipeline/reco/lake';
export { formatEvaluation, formatModel } from './pipeline/reco/format';

export { generateReport, reportFormats, type ReportFormat } from './reports/report';
export { loadLineage, loadReportData, saleDays, type Lineage, type ReportData } from './reports/data';
export { BranchError, branchTotals, loadBranchReview, type BranchReview } from './reports/branch';
export * as findings from './reports/findings';
export { discountBandsOf, lineValueBins, monthlyRevenueOf, type DiscountBandRow } from './reports/source-profile';
export { lastCalendarMonth, latestCompleteMonth, parsePeriod, rangePeriod, type Period, type PeriodChoice } from './reports/period';
export * as charts from './reports/charts';
export { drawCharts, renderSvg } from './reports/render';
export { renderHtml } from './reports/html';
export { esc, formatValue } from './reports/format';
export { rfmSegmentName } from './reports/labels';
export { changesSinceLastReport } from './reports/runs/changes-store';
export { chartsIn, findingsIn, show, showIn, type Column, type Figure, type Messages, type Show } from './notebook';
