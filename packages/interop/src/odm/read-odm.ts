/**
 * Reading an ODM 1.3.2 Snapshot into the study's records (docs/interop.md, "ODM in"): each
 * ItemGroupData whose ItemGroupOID is one of jia-trial's (odm-layout.ts) becomes a record of its
 * type, each ItemData whose ItemOID is one of the group's items a field; the SubjectKey is the
 * subject, the SiteRef its site, and the visit's core set in the same StudyEventData names the
 * visit of the records kept for it. Anything that does not map (an unknown group or item, a
 * site that is no Location of ours, a Transactional file) is listed by OID and refused: the
 * whole file is refused and nothing is imported, never a value dropped silently. What maps is
 * then validated and stored by the bundle import (the same checks as a bundle's).
 */
import type { RecordTexts, RecordTypeId } from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import { XMLParser } from 'fast-xml-parser';
import { pushTo } from '../exchange/study-data.js';
import { type OdmForm, type OdmGroup, odmForms, structuralFields } from './odm-layout.js';

/** An element as fast-xml-parser gives it: attributes as strings, children as arrays. */
interface Node {
  readonly [name: string]: string | Node[] | undefined;
}

export interface OdmReading {
  /** The records by type, in document order. */
  readonly records: ReadonlyMap<RecordTypeId, RecordTexts[]>;
  /** The file's ProtocolName (our export writes the protocol's id). */
  readonly protocolName: string | null;
  readonly fileOid: string;
}

const children = (node: Node, name: string): Node[] => {
  const value = node[name];
  return Array.isArray(value) ? value : [];
};
const attr = (node: Node, name: string): string | undefined => {
  const value = node[name];
  return typeof value === 'string' ? value : undefined;
};
const textOf = (node: Node | string | undefined): string | null => {
  if (node === undefined) return null;
  if (typeof node === 'string') return node;
  const text = node['#text'];
  return typeof text === 'string' ? text : null;
};

export function parseOdm(xml: string): Node {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    removeNSPrefix: true,
    // Numeric character references (&#10;) in values: the writer escapes line ends so.
    htmlEntities: true,
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  });
  return parser.parse(xml) as Node;
}

type Refuse = (path: string, message: string) => void;

/** The file's header: a Snapshot of ODM 1.3.x. */
function checkHeader(odm: Node, refuse: Refuse): void {
  if (attr(odm, 'FileType') !== 'Snapshot')
    refuse(
      'ODM/@FileType',
      `FileType ${attr(odm, 'FileType')}: only a Snapshot is imported (a Transactional file is the history, not the study's state)`,
    );
  if (!/^1\.3(\.\d+)?$/.test(attr(odm, 'ODMVersion') ?? '1.3'))
    refuse('ODM/@ODMVersion', `ODM version ${attr(odm, 'ODMVersion')} is not 1.3.x`);
}

/** A group's items as field texts; an ItemData that is not one of its items is refused. */
function readItems(
  groupNode: Node,
  group: OdmGroup,
  texts: Map<string, string>,
  at: string,
  refuse: Refuse,
): void {
  const items = new Map(group.items.map((i) => [i.oid, i]));
  for (const itemNode of children(groupNode, 'ItemData')) {
    const itemOid = attr(itemNode, 'ItemOID') ?? '';
    const item = items.get(itemOid);
    const itemAt = `${at}/ItemData[${itemOid}]`;
    if (!item) {
      refuse(itemAt, `ItemOID ${itemOid} is not an item of ${group.oid}`);
      continue;
    }
    const value = attr(itemNode, 'Value');
    if (attr(itemNode, 'IsNull') === 'Yes') {
      // A CHAQ answer "not applicable" (stored as NULL); any other null is an empty field.
      if (item.field.type === 'chaq_score') texts.set(item.field.name, 'na');
    } else if (value !== undefined && value !== '') texts.set(item.field.name, value);
    else refuse(itemAt, 'ItemData without a Value (ODM 1.3.2 typed ItemData are not read)');
  }
}

interface SubjectContext {
  readonly subjectId: string;
  readonly site: string | null;
  readonly at: string;
}

/**
 * One StudyEventData: its visit (the core set and laboratory groups are one record) and the
 * records kept for the visit or for the subject, each given its container's fields.
 */
function readEvent(
  eventNode: Node,
  subject: SubjectContext,
  groups: ReadonlyMap<string, OdmGroup>,
  add: (type: RecordTypeId, texts: RecordTexts) => void,
  refuse: Refuse,
): void {
  const repeat = attr(eventNode, 'StudyEventRepeatKey');
  const at = `${subject.at}/StudyEventData[${attr(eventNode, 'StudyEventOID')}${repeat ? `:${repeat}` : ''}]`;
  const visit = new Map<string, string>();
  const kept: Array<[OdmGroup, Map<string, string>]> = [];
  for (const formNode of children(eventNode, 'FormData'))
    for (const groupNode of children(formNode, 'ItemGroupData')) {
      const oid = attr(groupNode, 'ItemGroupOID') ?? '';
      const group = groups.get(oid);
      if (!group) {
        refuse(
          `${at}/ItemGroupData[${oid}]`,
          `ItemGroupOID ${oid} maps onto no record type of jia-trial`,
        );
        continue;
      }
      const texts = group.record.id === 'visit' ? visit : new Map<string, string>();
      readItems(groupNode, group, texts, `${at}/ItemGroupData[${oid}]`, refuse);
      if (group.record.id !== 'visit') kept.push([group, texts]);
    }
  if (visit.size > 0) {
    visit.set('subject_id', subject.subjectId);
    add('visit', visit);
  }
  for (const [group, texts] of kept) {
    const missingVisit = placeRecord(group, texts, subject, visit.get('visit_id'));
    if (missingVisit)
      refuse(
        at,
        `a ${group.record.id} record is in a StudyEventData without a visit (IG.VISIT.CORE with its visit_id)`,
      );
    add(group.record.id, texts);
  }
}

/** Gives a record its container's fields (subject, site, visit); true when it needs a visit it lacks. */
function placeRecord(
  group: OdmGroup,
  texts: Map<string, string>,
  subject: SubjectContext,
  visitId: string | undefined,
): boolean {
  const structural = structuralFields(group.record);
  if (structural.has('subject_id')) texts.set('subject_id', subject.subjectId);
  if (group.record.id === 'subject' && subject.site !== null) texts.set('site', subject.site);
  if (!structural.has('visit_id')) return false;
  if (visitId === undefined) return true;
  texts.set('visit_id', visitId);
  return false;
}

function siteOf(subjectNode: Node, at: string, refuse: Refuse): string | null {
  const oid = attr(children(subjectNode, 'SiteRef')[0] ?? {}, 'LocationOID');
  if (oid === undefined) return null;
  if (oid.startsWith('LOC.') && oid !== 'LOC.STUDY') return oid.slice(4);
  refuse(`${at}/SiteRef`, `LocationOID ${oid} names no site (expected LOC.<site code>)`);
  return null;
}

/** Reads a Snapshot; VALIDATION_FAILED listing every OID that does not map. */
export function readOdmSnapshot(xml: string, forms: readonly OdmForm[] = odmForms()): OdmReading {
  let doc: Node;
  try {
    doc = parseOdm(xml);
  } catch (error) {
    throw new JiaError('VALIDATION_FAILED', `not an XML document: ${(error as Error).message}`);
  }
  const odm = children(doc, 'ODM')[0];
  if (!odm) throw new JiaError('VALIDATION_FAILED', 'not an ODM document (no ODM element)');
  const issues: Issue[] = [];
  const refuse: Refuse = (path, message) => issues.push({ path, message });
  checkHeader(odm, refuse);
  const groups = new Map<string, OdmGroup>(forms.map((f) => [f.group.oid, f.group]));
  const globals = children(children(odm, 'Study')[0] ?? {}, 'GlobalVariables')[0] ?? {};
  const records = new Map<RecordTypeId, RecordTexts[]>();
  const add = (type: RecordTypeId, texts: RecordTexts) => pushTo(records, type, texts);
  for (const clinical of children(odm, 'ClinicalData'))
    for (const subjectNode of children(clinical, 'SubjectData')) {
      const subjectId = attr(subjectNode, 'SubjectKey') ?? '';
      const at = `SubjectData[${subjectId}]`;
      const subject = { subjectId, at, site: siteOf(subjectNode, at, refuse) };
      for (const eventNode of children(subjectNode, 'StudyEventData'))
        readEvent(eventNode, subject, groups, add, refuse);
    }
  if (issues.length > 0)
    throw new JiaError(
      'VALIDATION_FAILED',
      `${issues.length} part(s) of the ODM file do not map onto jia-trial's records; nothing was imported`,
      { issues },
    );
  return {
    records,
    protocolName: textOf(children(globals, 'ProtocolName')[0]),
    fileOid: attr(odm, 'FileOID') ?? '',
  };
}
