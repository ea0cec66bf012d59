/**
 * The primary sources of every rule this library computes, defined once. Measures refer to
 * them by key; `docs/clinical/<measure>.md` renders them for readers, and
 * `citations.test.ts` fails when a measure cites nothing or cites a key without a DOI or PMID.
 *
 * `evidence` is how the citation itself was checked: 'V' verified at the source (PubMed or the
 * publisher), 'S' from a secondary source only. Every DOI, PMID, PMCID, volume and page kept here
 * was read at a stored copy of a source; identifiers that could not be confirmed were removed
 * and are listed with the other open questions in docs/clinical/README.md.
 */

export interface Citation {
  readonly authors: string;
  readonly year: number;
  readonly title: string;
  readonly journal: string;
  readonly volume?: string;
  readonly pages?: string;
  readonly doi?: string;
  readonly pmid?: string;
  readonly pmcid?: string;
  readonly evidence: 'V' | 'S';
  readonly note?: string;
  /**
   * Identifiers recalled from the literature (evidence tag M) but not yet confirmed at PubMed
   * or the publisher: printed as unconfirmed, so a reader can find the paper and a reviewer
   * knows what is left to check (docs/clinical/README.md).
   */
  readonly unconfirmed?: { readonly doi?: string; readonly pmid?: string };
}

export const CITATIONS = {
  giannini1997: {
    authors: 'Giannini EH, Ruperto N, Ravelli A, Lovell DJ, Felson DT, Martini A',
    year: 1997,
    title: 'Preliminary definition of improvement in juvenile arthritis',
    journal: 'Arthritis Rheum',
    evidence: 'S',
    note: 'Authors, title and date (July 1997) read in an Elsevier Pure record. Volume, pages, DOI and PMID not confirmed at any source read; see docs/clinical/README.md.',
    unconfirmed: {
      doi: '10.1002/1529-0131(199707)40:7<1202::AID-ART3>3.0.CO;2-R',
      pmid: '9214419',
    },
  },
  brunner2002: {
    authors: 'Brunner HI, Lovell DJ, Finck BK, Giannini EH',
    year: 2002,
    title: 'Preliminary definition of disease flare in juvenile rheumatoid arthritis',
    journal: 'J Rheumatol',
    volume: '29(5)',
    pages: '1058-1064',
    pmid: '12022323',
    evidence: 'V',
  },
  ruperto2008: {
    authors: 'Ruperto N, Lovell DJ, Quartier P, et al.',
    year: 2008,
    title:
      'Abatacept in children with juvenile idiopathic arthritis: a randomised, double-blind, placebo-controlled withdrawal trial',
    journal: 'Lancet',
    volume: '372(9636)',
    pages: '383-391',
    doi: '10.1016/S0140-6736(08)60998-8',
    evidence: 'S',
    note: 'Flare definition as registered for NCT00095173. Volume, pages and DOI from secondary records (citation index; Lancet comment reference); PMID not confirmed.',
    unconfirmed: { pmid: '18632147' },
  },
  consolaro2009: {
    authors: 'Consolaro A, Ruperto N, Bazso A, et al.',
    year: 2009,
    title:
      'Development and validation of a composite disease activity score for juvenile idiopathic arthritis',
    journal: 'Arthritis Rheum',
    volume: '61(5)',
    pages: '658-666',
    doi: '10.1002/art.24516',
    pmid: '19405003',
    evidence: 'V',
  },
  bazso2009: {
    authors: 'Bazso A, Consolaro A, Ruperto N, et al.',
    year: 2009,
    title: 'Development and testing of reduced joint counts in juvenile idiopathic arthritis',
    journal: 'J Rheumatol',
    volume: '36(1)',
    pages: '183-190',
    doi: '10.3899/jrheum.080432',
    pmid: '19208532',
    evidence: 'V',
  },
  consolaro2012: {
    authors: 'Consolaro A, Bracciolini G, Ruperto N, et al.',
    year: 2012,
    title:
      'Remission, minimal disease activity, and acceptable symptom state in juvenile idiopathic arthritis: defining criteria based on the juvenile arthritis disease activity score',
    journal: 'Arthritis Rheum',
    volume: '64(7)',
    pages: '2366-2374',
    doi: '10.1002/art.34373',
    pmid: '22231288',
    evidence: 'V',
  },
  consolaro2014hda: {
    authors: 'Consolaro A, Ruperto N, Bracciolini G, et al.',
    year: 2014,
    title:
      'Defining criteria for high disease activity in juvenile idiopathic arthritis based on the juvenile arthritis disease activity score',
    journal: 'Ann Rheum Dis',
    volume: '73(7)',
    pages: '1380-1383',
    doi: '10.1136/annrheumdis-2013-204186',
    pmid: '24347571',
    evidence: 'V',
  },
  consolaro2014cjadas: {
    authors: 'Consolaro A, Negro G, Chiara Gallo M, et al.',
    year: 2014,
    title:
      'Defining criteria for disease activity states in nonsystemic juvenile idiopathic arthritis based on a three-variable juvenile arthritis disease activity score',
    journal: 'Arthritis Care Res',
    doi: '10.1002/acr.22393',
    evidence: 'S',
    note: 'DOI, authors and abstract read at an aggregator record only. Volume, pages and PMID not confirmed.',
  },
  trincianti2021: {
    authors: 'Trincianti C, Van Dijkhuizen EHP, Alongi A, et al.',
    year: 2021,
    title:
      'Definition and validation of the American College of Rheumatology 2021 Juvenile Arthritis Disease Activity Score cutoffs for disease activity states in juvenile idiopathic arthritis',
    journal: 'Arthritis Rheumatol',
    evidence: 'S',
    note: 'Title, year and abstract (cut-off values) read at a university repository record. Authors, volume, pages, DOI and PMID not confirmed; see docs/clinical/README.md.',
    unconfirmed: { doi: '10.1002/art.41879', pmid: '33982895' },
  },
  nordal2012: {
    authors: 'Nordal EB, Zak M, Aalto K, et al.',
    year: 2012,
    title:
      'Validity and predictive ability of the juvenile arthritis disease activity score based on CRP versus ESR in a Nordic population-based setting',
    journal: 'Ann Rheum Dis',
    volume: '71(7)',
    pages: '1122',
    evidence: 'S',
    note: 'Volume, issue and first page from the publisher page (ard.bmj.com/content/71/7/1122). Last page, DOI and PMID not confirmed.',
    unconfirmed: { doi: '10.1136/annrheumdis-2011-200237' },
  },
  wallace2004: {
    authors: 'Wallace CA, Ruperto N, Giannini E; CARRA, PRINTO, PRCSG',
    year: 2004,
    title:
      'Preliminary criteria for clinical remission for select categories of juvenile idiopathic arthritis',
    journal: 'J Rheumatol',
    volume: '31(11)',
    pages: '2290',
    evidence: 'S',
    note: 'Authors, title, volume, issue and first page from the publisher page (jrheum.com/subscribers/04/11/2290). Last page and PMID not confirmed.',
    unconfirmed: { pmid: '15517647' },
  },
  wallace2011: {
    authors: 'Wallace CA, Giannini EH, Huang B, Itert L, Ruperto N; CARRA, PRCSG, PRINTO',
    year: 2011,
    title:
      'American College of Rheumatology provisional criteria for defining clinical inactive disease in select categories of juvenile idiopathic arthritis',
    journal: 'Arthritis Care Res',
    volume: '63(7)',
    pages: '929-936',
    doi: '10.1002/acr.20497',
    evidence: 'V',
    note: 'DOI at the publisher (Wiley); volume and pages from a copy of the article PDF. PMID not confirmed.',
    unconfirmed: { pmid: '21717596' },
  },
  singh1994: {
    authors: 'Singh G, Athreya BH, Fries JF, Goldsmith DP',
    year: 1994,
    title: 'Measurement of health status in children with juvenile rheumatoid arthritis',
    journal: 'Arthritis Rheum',
    volume: '37(12)',
    pages: '1761-1769',
    evidence: 'S',
    note: 'Volume and pages from the NINDS Common Data Elements CHAQ page. DOI and PMID not confirmed.',
    unconfirmed: { doi: '10.1002/art.1780371209', pmid: '7986222' },
  },
  ravelli2016: {
    authors: 'Ravelli A, Minoia F, Davi S, et al.',
    year: 2016,
    title:
      '2016 Classification criteria for macrophage activation syndrome complicating systemic juvenile idiopathic arthritis: a European League Against Rheumatism/American College of Rheumatology/Paediatric Rheumatology International Trials Organisation collaborative initiative',
    journal: 'Ann Rheum Dis',
    volume: '75(3)',
    pages: '481',
    doi: '10.1136/annrheumdis-2015-208982',
    pmid: '26865703',
    evidence: 'V',
    note: 'Published simultaneously in Arthritis Rheumatol 2016 (doi:10.1002/art.39332). Last page not confirmed.',
  },
  minoia2019: {
    authors: 'Minoia F, Bovis F, Davi S, et al.',
    year: 2019,
    title:
      'Development and initial validation of the MS score for diagnosis of macrophage activation syndrome in systemic juvenile idiopathic arthritis',
    journal: 'Ann Rheum Dis',
    volume: '78(10)',
    pages: '1357-1362',
    doi: '10.1136/annrheumdis-2019-215211',
    evidence: 'V',
    note: 'DOI, volume and pages from the publisher citation record. PMID not confirmed.',
    unconfirmed: { pmid: '31296501' },
  },
  debenedetti2012: {
    authors: 'De Benedetti F, Brunner HI, Ruperto N, et al.',
    year: 2012,
    title: 'Randomized trial of tocilizumab in systemic juvenile idiopathic arthritis',
    journal: 'N Engl J Med',
    volume: '367(25)',
    pages: '2385-2395',
    doi: '10.1056/NEJMoa1112802',
    pmid: '23252525',
    evidence: 'V',
    note: 'PMID, DOI and abstract (the primary end point: absence of fever and JIA ACR 30) read at a PubMed copy; volume and pages at a journal index copy. The trial definition of fever (temperature limit, 7-day window) is not in the abstract.',
  },
  ravelli2016dynamics: {
    authors: 'Ravelli A, Minoia F, Davi S, et al.',
    year: 2016,
    title:
      'Expert consensus on dynamics of laboratory tests for diagnosis of macrophage activation syndrome complicating systemic juvenile idiopathic arthritis',
    journal: 'RMD Open',
    volume: '2(1)',
    pages: 'e000161',
    doi: '10.1136/rmdopen-2015-000161',
    pmid: '26848401',
    evidence: 'V',
    note: 'PMID, DOI and abstract read at a PubMed copy and the UMC Utrecht repository. The abstract names platelet count, ferritin and AST as the tests whose change over time matters most, and leaves the cut-offs of that change to a prospective study.',
  },
  shimizu2020: {
    authors: 'Shimizu M, Mizuta M, Okamoto N, et al.',
    year: 2020,
    title:
      'Tocilizumab modifies clinical and laboratory features of macrophage activation syndrome complicating systemic juvenile idiopathic arthritis',
    journal: 'Pediatr Rheumatol Online J',
    volume: '18',
    pages: '2',
    doi: '10.1186/s12969-020-0399-1',
    pmid: '31924225',
    pmcid: 'PMC6954608',
    evidence: 'V',
    note: 'Identifiers and abstract read at PMC and a PubMed copy.',
  },
  petty2004: {
    authors: 'Petty RE, Southwood TR, Manners P, et al.',
    year: 2004,
    title:
      'International League of Associations for Rheumatology classification of juvenile idiopathic arthritis: second revision, Edmonton, 2001',
    journal: 'J Rheumatol',
    evidence: 'S',
    note: 'No record of this article was found at any source read: volume, pages and PMID not confirmed; see docs/clinical/README.md.',
    unconfirmed: { pmid: '14760812' },
  },
  consolaro2016: {
    authors: 'Consolaro A, Giancane G, Schiappapietra B, et al.',
    year: 2016,
    title: 'Clinical outcome measures in juvenile idiopathic arthritis',
    journal: 'Pediatr Rheumatol Online J',
    doi: '10.1186/s12969-016-0085-5',
    pmid: '27089922',
    pmcid: 'PMC4836071',
    evidence: 'V',
    note: 'DOI at the publisher, PMCID at PMC, PMID from a PubMed-derived record. Volume and article number not confirmed.',
  },
  viola2005: {
    authors:
      'Viola S, Felici E, Magni-Manzoni S, Pistorio A, Buoncompagni A, Ruperto N, Rossi F, Bartoli M, Martini A, Ravelli A',
    year: 2005,
    title:
      'Development and validation of a clinical index for assessment of long-term damage in juvenile idiopathic arthritis',
    journal: 'Arthritis Rheum',
    volume: '52(7)',
    pages: '2092-2102',
    doi: '10.1002/art.21119',
    pmid: '15986372',
    evidence: 'V',
    note: 'PubMed record, Wiley abstract and the first page of the paper (a stored copy of the full text: title, authors, volume, pages, DOI, abstract) read: two parts, JADI-A and JADI-E; 158 patients. The methods and the appendix (the form) were not readable, that copy giving its first page only: JADI-A from sarma2008 [S]; JADI-E items, points and maximum [M].',
  },
  sarma2008: {
    authors: 'Sarma PK, Misra R, Aggarwal A',
    year: 2008,
    title:
      'Outcome in patients with enthesitis related arthritis (ERA): juvenile arthritis damage index (JADI) and functional status',
    journal: 'Pediatr Rheumatol Online J',
    volume: '6',
    pages: '18',
    doi: '10.1186/1546-0096-6-18',
    evidence: 'S',
    note: 'Methods read at the publisher (the 36 JADI-A units and their 1/2 scoring, restating Viola 2005), up to a sentence cut off at "For each joint, only the most sev"; nothing on JADI-E was read there. Authors and title are recalled, not read; the DOI is the page read.',
  },
  swart2019: {
    authors:
      'Swart JF, de Roock S, Nievelstein RAJ, Slaper-Cortenbach ICM, Boelens JJ, Wulffraat NM',
    year: 2019,
    title:
      'Bone-marrow derived mesenchymal stromal cells infusion in therapy refractory juvenile idiopathic arthritis patients',
    journal: 'Rheumatology (Oxford)',
    volume: '58(10)',
    pages: '1812-1817',
    doi: '10.1093/rheumatology/kez157',
    pmid: '31070229',
    pmcid: 'PMC6758577',
    evidence: 'V',
  },
} as const satisfies Record<string, Citation>;

export type CitationKey = keyof typeof CITATIONS;

/** A scored measure's identity and sources, for documentation and the citation test. */
export interface MeasureInfo {
  /** kebab-case id; its documentation is docs/clinical/<id>.md. */
  readonly id: string;
  readonly name: string;
  readonly citations: readonly CitationKey[];
}
