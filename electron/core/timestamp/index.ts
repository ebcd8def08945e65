// RFC 3161 trusted timestamps: the client, the offline verifier, and their use on bags and exports.
export { TimestampError, type TimestampFailure } from './errors.ts';
export { requestTimestamp, requestTimestampForDigest, buildTimeStampReq, shownUrl, type TimestampResult, type TimestampRequestOptions } from './request.ts';
export { verifyTimestampToken, type TokenVerification } from './verify.ts';
export { requestTimestamps, timestampBag, verifyBagTimestamps, writeBagTimestamp, tagManifestDigest, type BagCheck, type BagTimestampOutcome, type TsaOutcome } from './bag.ts';
export { timestampExport, recordExportTimestamps, UnknownExportError, type TimestampExportResult, type ExportTimestampOutcome } from './export.ts';
export { resolveTsaUrls } from './urls.ts';
