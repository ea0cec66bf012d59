/**
 * Writing a study as a CDISC ODM 1.3.2 document (docs/interop.md), streamed: the Study
 * metadata and AdminData first, then one SubjectData per subject as the subjects arrive, each
 * flushed to `write` (which may wait: back-pressure), so that memory holds one subject at a time.
 * A Snapshot gives every current record with its last change; a Transactional file gives every
 * change of the audit trail, oldest first, each with its TransactionType and AuditRecord, and
 * every e-signature where it was given.
 */
import type { RecordTexts, RecordTypeId } from '@jia-trial/dictionary';
import type {
  AuditStamp,
  ExchangeStudy,
  SignatureStamp,
  SubjectRecords,
} from '../exchange/study-data.js';
import { escapeXml, XmlText } from '../exchange/xml-text.js';
import { locationOid, writeAdminData } from './odm-admin.js';
import {
  writeAuditRecord,
  writeItems,
  writeNullItem,
  writeSignature,
  writeSubject,
} from './odm-clinical.js';
import { type VisitEvent, visitEvents } from './odm-events.js';
import {
  type OdmForm,
  odmForms,
  repeatKeyOf,
  SUBJECT_EVENT_OID,
  UNSCHEDULED_EVENT_OID,
} from './odm-layout.js';
import { metaDataVersionOid, writeStudy } from './odm-metadata.js';

export const ODM_NAMESPACE = 'http://www.cdisc.org/ns/odm/v1.3';

export interface OdmFileOptions {
  /** Unique id of this file (ODM FileOID). */
  readonly fileOid: string;
  /** ISO 8601 date-time the file is made (the caller's clock: the writers have none). */
  readonly creationDateTime: string;
  readonly sourceSystemVersion: string;
}

export type WriteText = (text: string) => void | Promise<void>;

/**
 * Flush when this many characters are buffered. A chunk stays well under V8's largest ordinary
 * heap object (128 KiB): joining 256 KiB chunks, each then made in the large-object space, took
 * five times as long as 32 KiB ones (docs/performance.md).
 */
const CHUNK = 1 << 15;

function header(fileType: 'Snapshot' | 'Transactional', options: OdmFileOptions): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<ODM xmlns="${ODM_NAMESPACE}" ODMVersion="1.3.2" FileType="${fileType}" Granularity="All"` +
    ` FileOID="${escapeXml(options.fileOid)}" CreationDateTime="${escapeXml(options.creationDateTime)}"` +
    ` Originator="jia-trial" SourceSystem="jia-trial" SourceSystemVersion="${escapeXml(options.sourceSystemVersion)}">\n`
  );
}

interface Prelude {
  readonly forms: OdmForm[];
  readonly studyOid: string;
  readonly mdvOid: string;
}

async function writePrelude(
  write: WriteText,
  fileType: 'Snapshot' | 'Transactional',
  study: ExchangeStudy,
  options: OdmFileOptions,
): Promise<Prelude> {
  const forms = odmForms();
  const studyOid = `ST.${study.studyId}`;
  const mdvOid = metaDataVersionOid(study.protocol);
  const xml = XmlText.at(1);
  writeStudy(xml, {
    studyOid,
    metaDataVersionOid: mdvOid,
    studyId: study.studyId,
    title: study.title,
    protocol: study.protocol,
    forms,
  });
  writeAdminData(xml, study, studyOid, mdvOid, options.creationDateTime.slice(0, 10));
  xml.start('ClinicalData', { StudyOID: studyOid, MetaDataVersionOID: mdvOid });
  await write(header(fileType, options) + xml.take());
  return { forms, studyOid, mdvOid };
}

const FOOTER = '  </ClinicalData>\n</ODM>\n';

/** Writes a Snapshot: every subject with all its current records. */
export async function writeOdmSnapshot(
  write: WriteText,
  study: ExchangeStudy,
  subjects: AsyncIterable<SubjectRecords> | Iterable<SubjectRecords>,
  options: OdmFileOptions,
): Promise<{ subjects: number }> {
  const { forms } = await writePrelude(write, 'Snapshot', study, options);
  const xml = XmlText.at(2);
  let count = 0;
  for await (const subject of subjects) {
    writeSubject(xml, forms, subject, visitEvents(study.protocol, subject));
    count++;
    if (xml.length >= CHUNK) await write(xml.take());
  }
  await write(xml.take() + FOOTER);
  return { subjects: count };
}

/** One change of the audit trail, its values as bundle texts. */
export interface RecordChange {
  readonly type: RecordTypeId;
  readonly operation: 'insert' | 'update' | 'delete';
  readonly subjectId: string;
  /** The values after the change (for a delete: before it, to name the record). */
  readonly texts: RecordTexts;
  /** For an update: the fields that changed (the others are not repeated). */
  readonly changed: ReadonlySet<string> | null;
  readonly stamp: AuditStamp;
}

/** An e-signature given, in its place in the trail (a visit's or the subject's casebook). */
export interface SignatureEvent {
  readonly subjectId: string;
  readonly signature: SignatureStamp;
  readonly stamp: AuditStamp;
}

/** What a Transactional file writes, in the trail's order. */
export type TrailEvent = RecordChange | SignatureEvent;

const isSignature = (event: TrailEvent): event is SignatureEvent => 'signature' in event;

const TRANSACTION = { insert: 'Insert', update: 'Update', delete: 'Remove' } as const;

/** The StudyEventOID and repeat key of a visit as it is now (a deleted one: unscheduled). */
function eventOfVisit(
  subjectId: string,
  visitId: string,
  eventOf: (subjectId: string, visitId: string) => VisitEvent | undefined,
): VisitEvent {
  return eventOf(subjectId, visitId) ?? { oid: UNSCHEDULED_EVENT_OID, repeatKey: visitId };
}

/** The StudyEventData around a change: the subject's, or its visit's as it is now. */
function startEvent(
  xml: XmlText,
  change: RecordChange,
  kind: 'subject' | 'visit',
  eventOf: (subjectId: string, visitId: string) => VisitEvent | undefined,
): void {
  if (kind === 'subject') {
    xml.start('StudyEventData', { StudyEventOID: SUBJECT_EVENT_OID, TransactionType: 'Context' });
    return;
  }
  const event = eventOfVisit(change.subjectId, change.texts.get('visit_id') ?? '', eventOf);
  const own = change.type === 'visit' && change.operation !== 'update';
  xml.start('StudyEventData', {
    StudyEventOID: event.oid,
    StudyEventRepeatKey: event.repeatKey,
    TransactionType: own ? TRANSACTION[change.operation] : 'Context',
  });
}

/**
 * A signature where it was given: on the visit's StudyEventData, or on the SubjectData for the
 * casebook, the elements around it `Context` (it changes no data). ODM 1.3.2 §3.1.4.1.3: "An
 * electronic signature applies to the entity to which it is attached ... all clinical data in
 * that entity at the time of the signing"; a new signature is a new Signature element, never a
 * change of an earlier one. (ClinicalData's `Signatures` group, §3.1.4.3, holds only signatures
 * "referenced by ItemData[TYPE] elements", which jia-trial does not write.)
 */
function writeSignatureEvent(
  xml: XmlText,
  event: SignatureEvent,
  site: string | null,
  eventOf: (subjectId: string, visitId: string) => VisitEvent | undefined,
): void {
  const { signature } = event;
  xml.start('SubjectData', { SubjectKey: event.subjectId, TransactionType: 'Context' });
  if (signature.visitId === null) writeSignature(xml, signature, site);
  else {
    const visit = eventOfVisit(event.subjectId, signature.visitId, eventOf);
    xml.start('StudyEventData', {
      StudyEventOID: visit.oid,
      StudyEventRepeatKey: visit.repeatKey,
      TransactionType: 'Context',
    });
    writeSignature(xml, signature, site);
    xml.end();
  }
  xml.end();
}

/** The change's group in one of its record type's forms (a visit has two). */
function writeChangedGroup(
  xml: XmlText,
  form: OdmForm,
  change: RecordChange,
  site: string | null,
): void {
  const { group } = form;
  const update = change.operation === 'update';
  const items =
    update && change.changed
      ? group.items.filter((i) => change.changed?.has(i.field.name))
      : group.items;
  if (update && items.length === 0) return;
  if (change.operation === 'insert' && !items.some((i) => change.texts.has(i.field.name))) return;
  xml.start('FormData', {
    FormOID: form.oid,
    TransactionType: change.operation === 'insert' ? 'Upsert' : 'Context',
  });
  xml.start('ItemGroupData', {
    ItemGroupOID: group.oid,
    ItemGroupRepeatKey: group.repeating
      ? repeatKeyOf(group.record, (f) => change.texts.get(f) ?? '')
      : undefined,
    TransactionType: TRANSACTION[change.operation],
  });
  writeAuditRecord(xml, change.stamp, site);
  if (change.operation !== 'delete') {
    writeItems(xml, { ...group, items }, { texts: change.texts });
    // An update that empties a field: an explicit null.
    if (update)
      for (const item of items) if (!change.texts.has(item.field.name)) writeNullItem(xml, item);
  }
  xml.end().end();
}

/**
 * Writes a Transactional file: each change as its own SubjectData, the record's group carrying
 * the change (Insert, Update with the changed items, Remove) and its AuditRecord, the elements
 * around it `Context` (or Insert/Remove for the subject's or the visit's own record); each
 * signature where it was given (writeSignatureEvent). A visit's event is the one it has now
 * (`eventOf`); a visit deleted since is unscheduled.
 */
export async function writeOdmTransactional(
  write: WriteText,
  study: ExchangeStudy,
  events: AsyncIterable<TrailEvent> | Iterable<TrailEvent>,
  eventOf: (subjectId: string, visitId: string) => VisitEvent | undefined,
  options: OdmFileOptions,
): Promise<{ changes: number; signatures: number }> {
  const { forms } = await writePrelude(write, 'Transactional', study, options);
  const xml = XmlText.at(2);
  let count = 0;
  let signatures = 0;
  const siteOf = new Map<string, string>();
  for await (const change of events) {
    if (isSignature(change)) {
      writeSignatureEvent(xml, change, siteOf.get(change.subjectId) ?? change.stamp.site, eventOf);
      signatures++;
      if (xml.length >= CHUNK) await write(xml.take());
      continue;
    }
    const ownForms = forms.filter((f) => f.group.record.id === change.type);
    const kind = ownForms[0]?.event;
    if (kind === undefined) continue;
    const isSubject = change.type === 'subject';
    const newSite = isSubject ? change.texts.get('site') : undefined;
    if (newSite) siteOf.set(change.subjectId, newSite);
    const site = siteOf.get(change.subjectId) ?? change.stamp.site;
    xml.start('SubjectData', {
      SubjectKey: change.subjectId,
      TransactionType:
        isSubject && change.operation !== 'update' ? TRANSACTION[change.operation] : 'Context',
    });
    if (isSubject && change.operation === 'insert' && site)
      xml.leaf('SiteRef', { LocationOID: locationOid(site) });
    startEvent(xml, change, kind, eventOf);
    for (const form of ownForms) writeChangedGroup(xml, form, change, site);
    xml.end().end();
    count++;
    if (xml.length >= CHUNK) await write(xml.take());
  }
  await write(xml.take() + FOOTER);
  return { changes: count, signatures };
}
