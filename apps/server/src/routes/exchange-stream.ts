/**
 * A study as CDISC ODM 1.3.2 or a FHIR R4 Bundle over HTTP (docs/interop.md), streamed: the
 * writers of @jia-trial/interop write into the response as the store reads the study (one
 * snapshot, subjects in batches), waiting while the client is slower, so that the server holds a
 * batch of subjects, never the study. The answer starts only once the first bytes exist: a study
 * that is not there (or any failure before) is an ordinary error answer; a failure after the
 * first bytes ends the response early (its body is then incomplete: no closing tag) and is
 * logged. A client that goes away stops the export and frees its snapshot.
 */
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { exportOdm, writeFhirBundle } from '@jia-trial/interop';
import { findProtocol } from '@jia-trial/protocols';
import { readStudyForExchange, type Store } from '@jia-trial/store';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type ExchangeFormat = 'odm' | 'fhir';

const SERVER_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The client went away: the export stops. */
class ClientGone extends Error {}

/**
 * A sink of text (ODM) or bytes (FHIR) on `stream` that waits while its buffer is full, and fails
 * once it is closed.
 */
function sinkOf(
  stream: PassThrough,
  onFirst: () => void,
): (chunk: string | Uint8Array) => Promise<void> {
  let first = true;
  return async (chunk) => {
    if (stream.destroyed) throw new ClientGone('the client closed the connection');
    if (first) {
      first = false;
      onFirst();
    }
    if (stream.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('close', gone);
        resolve();
      };
      const gone = () => {
        stream.off('drain', done);
        reject(new ClientGone('the client closed the connection'));
      };
      stream.once('drain', done);
      stream.once('close', gone);
    });
  };
}

export interface ExchangeRequest {
  readonly studyId: string;
  readonly format: ExchangeFormat;
  /** ODM: the audit trail (FileType Transactional) instead of a Snapshot. */
  readonly transactional: boolean;
}

function writeExport(
  store: Store,
  what: ExchangeRequest,
  write: (chunk: string | Uint8Array) => Promise<void>,
): Promise<unknown> {
  const now = new Date().toISOString();
  return readStudyForExchange<unknown>(store, what.studyId, (info, subjects, changes) => {
    const protocol = findProtocol(info.protocolId);
    if (what.format === 'fhir')
      // No trail: no FHIR resource carries who changed a record, nor its signatures.
      return writeFhirBundle(
        write,
        { ...info, protocol },
        subjects({ trail: false, readAhead: true }),
        {
          timestamp: now,
          rules: { shiftDays: 0, dropBefore: null },
        },
      );
    return exportOdm(
      write,
      { study: info, protocol, subjects, changes },
      {
        fileOid: `jia-trial.${what.studyId}.${now}`,
        creationDateTime: now,
        sourceSystemVersion: `server ${SERVER_VERSION}`,
        transactional: what.transactional,
      },
    );
  });
}

const CONTENT = {
  odm: {
    type: 'application/xml; charset=utf-8',
    suffix: (t: boolean) => (t ? '-odm-history.xml' : '-odm.xml'),
  },
  fhir: { type: 'application/fhir+json; charset=utf-8', suffix: () => '-fhir.json' },
} as const;

/** Answers `reply` with the study in `what.format`, streamed (see the module's comment). */
export async function sendExchangeExport(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  what: ExchangeRequest,
): Promise<FastifyReply> {
  const body = new PassThrough();
  let began: () => void = () => {};
  const beginning = new Promise<'began'>((resolve) => {
    began = () => resolve('began');
  });
  const work = writeExport(store, what, sinkOf(body, began));
  // Before the first bytes: an error is the request's own (404 for a study that is not there).
  if ((await Promise.race([beginning, work])) !== 'began')
    throw new Error(`the ${what.format} export of ${what.studyId} ended without writing`);
  work.then(
    () => body.end(),
    (error: unknown) => {
      if (!(error instanceof ClientGone))
        request.log.error(
          { err: error },
          `${what.format} export of ${what.studyId} failed while streaming`,
        );
      body.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  const content = CONTENT[what.format];
  return reply
    .type(content.type)
    .header(
      'content-disposition',
      `attachment; filename="${what.studyId}${content.suffix(what.transactional)}"`,
    )
    .send(body);
}
