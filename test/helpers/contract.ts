// Reading citations of docs/contract.md ("contract §6.1 Exact match; contract §6.2 ...") back
// into sections, so tests can hold every source to the document.
import { readFileSync } from 'node:fs';
import { contractSections, type ContractSection } from '../../src/contract/sections.js';

export const contractText = readFileSync(new URL('../../docs/contract.md', import.meta.url), 'utf8');

/** "## §6 Title" and "### §6.1 Title" headings of the document: section -> title. */
export function documentSections(text = contractText): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(/^#{2,3} §([\d.]+) (.+)$/gm)) found.set(match[1]!, match[2]!.trim());
  return found;
}

/**
 * The sections a source cites, each checked against the section table; an empty list when any
 * part of the source is not a well-formed citation of an existing section.
 */
export function citedSections(source: string): ContractSection[] {
  const parts = source.split('; ');
  const sections: ContractSection[] = [];
  for (const part of parts) {
    const match = /^contract §([\d.]+) (.+)$/.exec(part);
    if (!match) return [];
    const section = match[1] as ContractSection;
    if (contractSections[section] !== match[2]) return [];
    sections.push(section);
  }
  return sections;
}
