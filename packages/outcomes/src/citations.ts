/**
 * The primary sources of every rule this library computes, defined once. Measures refer to
 * them by key; `docs/clinical/<measure>.md` renders them for readers, and
 * `citations.test.ts` fails when a measure cites nothing or cites a key without a DOI or PMID.
 *
 * `evidence` is how the citation itself was checked: 'V' verified at the source (PubMed or the
 * publisher), 'S' from a secondary source only.
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
}

export const CITATIONS = {
  giannini1997: {
    authors: 'Giannini EH, Ruperto N, Ravelli A, Lovell DJ, Felson DT, Martini A',
    year: 1997,
    title: 'Preliminary definition of improvement in juvenile arthritis',
    journal: 'Arthritis Rheum',
    volume: '40(7)',
    pages: '1202-1209',
    doi: '10.1002/1529-0131(199707)40:7<1202::AID-ART3>3.0.CO;2-R',
    pmid: '9214419',
    evidence: 'S',
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
    pmid: '18632147',
    evidence: 'S',
    note: 'Flare definition as registered for NCT00095173.',
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
    volume: '66(11)',
    pages: '1703-1709',
    doi: '10.1002/acr.22393',
    pmid: '24980508',
    evidence: 'V',
  },
  trincianti2021: {
    authors: 'Trincianti C, Van Dijkhuizen EHP, Alongi A, et al.',
    year: 2021,
    title:
      'Definition and validation of the American College of Rheumatology 2021 Juvenile Arthritis Disease Activity Score cutoffs for disease activity states in juvenile idiopathic arthritis',
    journal: 'Arthritis Rheumatol',
    volume: '73(11)',
    pages: '1966-1975',
    doi: '10.1002/art.41879',
    evidence: 'S',
  },
  nordal2012: {
    authors: 'Nordal EB, Zak M, Aalto K, et al.',
    year: 2012,
    title:
      'Validity and predictive ability of the juvenile arthritis disease activity score based on CRP versus ESR in a Nordic population-based setting',
    journal: 'Ann Rheum Dis',
    volume: '71(7)',
    pages: '1122-1127',
    doi: '10.1136/annrheumdis-2011-200237',
    evidence: 'S',
  },
  wallace2004: {
    authors: 'Wallace CA, Ruperto N, Giannini E; CARRA, PRINTO, PRCSG',
    year: 2004,
    title:
      'Preliminary criteria for clinical remission for select categories of juvenile idiopathic arthritis',
    journal: 'J Rheumatol',
    volume: '31(11)',
    pages: '2290-2294',
    pmid: '15517647',
    evidence: 'S',
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
    pmid: '21717596',
    evidence: 'S',
  },
  singh1994: {
    authors: 'Singh G, Athreya BH, Fries JF, Goldsmith DP',
    year: 1994,
    title: 'Measurement of health status in children with juvenile rheumatoid arthritis',
    journal: 'Arthritis Rheum',
    volume: '37(12)',
    pages: '1761-1769',
    doi: '10.1002/art.1780371209',
    pmid: '7986222',
    evidence: 'S',
  },
  ravelli2016: {
    authors: 'Ravelli A, Minoia F, Davi S, et al.',
    year: 2016,
    title:
      '2016 Classification criteria for macrophage activation syndrome complicating systemic juvenile idiopathic arthritis: a European League Against Rheumatism/American College of Rheumatology/Paediatric Rheumatology International Trials Organisation collaborative initiative',
    journal: 'Ann Rheum Dis',
    volume: '75(3)',
    pages: '481-489',
    doi: '10.1136/annrheumdis-2015-208982',
    pmid: '26865703',
    evidence: 'V',
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
    pmid: '31296501',
    evidence: 'S',
  },
  petty2004: {
    authors: 'Petty RE, Southwood TR, Manners P, et al.',
    year: 2004,
    title:
      'International League of Associations for Rheumatology classification of juvenile idiopathic arthritis: second revision, Edmonton, 2001',
    journal: 'J Rheumatol',
    volume: '31(2)',
    pages: '390-392',
    pmid: '14760812',
    evidence: 'S',
  },
  consolaro2016: {
    authors: 'Consolaro A, Giancane G, Schiappapietra B, et al.',
    year: 2016,
    title: 'Clinical outcome measures in juvenile idiopathic arthritis',
    journal: 'Pediatr Rheumatol Online J',
    volume: '14',
    pages: '23',
    doi: '10.1186/s12969-016-0085-5',
    pmid: '27089922',
    pmcid: 'PMC4836071',
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
