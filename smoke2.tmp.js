const { startCeph } = require('/work/wt/i20/out/test/helpers/ceph.js');
const { S3Client, CreateBucketCommand, ListObjectsV2Command, HeadObjectCommand } = require('@aws-sdk/client-s3');
(async () => {
  const c = await startCeph();
  try {
    const s3 = new S3Client({ region: 'us-east-1', endpoint: c.endpoint, forcePathStyle: true, credentials: { accessKeyId: c.admin.accessKeyId, secretAccessKey: 'bad' } , requestChecksumCalculation: 'WHEN_REQUIRED'});
    try { await s3.send(new ListObjectsV2Command({ Bucket: 'models', MaxKeys: 1 })); } catch (e) { console.log(e.name, e.Code, e.$metadata, e.message); }
    const s4 = new S3Client({ region: 'us-east-1', endpoint: c.endpoint, forcePathStyle: true, credentials: { accessKeyId: c.admin.accessKeyId, secretAccessKey: c.admin.secretAccessKey } , requestChecksumCalculation: 'WHEN_REQUIRED'});
    await s4.send(new CreateBucketCommand({ Bucket: 'models' }));
    try { await s3.send(new ListObjectsV2Command({ Bucket: 'models', MaxKeys: 1 })); } catch (e) { console.log(e.name, e.Code, e.$metadata.httpStatusCode, e.message); }
  } finally { await c.stop(); }
})().catch(e => { console.error(e); process.exit(1); });
