import { PageTitle } from '../../components/ui.tsx';
export default function ToolsPage() {
  return <PageTitle>Tools</PageTitle>;
}
