// The AWS SDK pieces the store uses, in one module that esbuild bundles on its own (server/dist/s3sdk.js):
// loadSdk.ts requires it the first time a store is used, so CLI and server start-up never pay for it.
export {
  S3Client,
  HeadObjectCommand,
  HeadBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
export { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
