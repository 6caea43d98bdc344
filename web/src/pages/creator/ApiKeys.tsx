import { PageTitle } from '../../components/ui.tsx';
export default function ApiKeysPage() {
  return <PageTitle>ApiKeys</PageTitle>;
}
