// The custody report (опись) of an evidence set, issue 12 §4: build the model, print it.
export type { CustodyReportModel, ReportLang, ReportItem, ReportSet, ReportSigner } from './model.ts';
export { REPORT_LANGS } from './model.ts';
export { buildCustodyReportModel, type BuildReportOptions } from './build.ts';
export { renderCustodyReportHtml } from './html.ts';
export { renderCustodyReportPdf } from './pdf.ts';
export { payloadManifestSha256 } from './manifest.ts';
